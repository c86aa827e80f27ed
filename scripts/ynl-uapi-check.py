#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check that a hand-written uapi header agrees with the one YNL generates.

    ynl-uapi-check.py GENERATED HANDWRITTEN [CC]

Every enumerator and #define of GENERATED (ynl-gen-c --mode uapi) must
exist in HANDWRITTEN with the same value, and HANDWRITTEN must name
nothing the spec does not know, but for the few names of ALLOWED.  The
values are the compiler's: a program built against GENERATED prints
them, and a second one, built against HANDWRITTEN, asserts each of them
(_Static_assert for numbers, strcmp for strings).
"""
import os
import re
import subprocess
import sys
import tempfile

# In the hand-written header only: markers the spec has no word for.
ALLOWED = {
    'HSHM_CMD_UNSPEC',      # commands start at 1 in YNL; 0 is named here
    '__HSHM_EVENT_MAX',     # end marker of enum hshm_nl_event
}

IDENT = r'[A-Za-z_][A-Za-z0-9_]*'


def names(path):
    """(numeric names, {string define: literal}) of a header, in order."""
    text = open(path).read()
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    nums, strs = [], {}
    guard = None
    for m in re.finditer(r'^#ifndef\s+(' + IDENT + r')\s*$', text, re.M):
        guard = m.group(1)
        break
    for m in re.finditer(r'^#define\s+(' + IDENT + r')(?:[ \t]+(.*))?$',
                         text, re.M):
        name, value = m.group(1), (m.group(2) or '').strip()
        if name == guard or not value:
            continue
        if value.startswith('"'):
            strs[name] = value
        else:
            nums.append(name)
    for m in re.finditer(r'\benum\b[^{;]*\{(.*?)\}\s*;', text, re.S):
        for item in m.group(1).split(','):
            item = item.strip()
            if item:
                nums.append(re.match(IDENT, item).group(0))
    return nums, strs


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode:
        sys.stderr.write(p.stdout + p.stderr)
        sys.exit(f'ynl-uapi-check: {" ".join(cmd)} failed')
    return p.stdout


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    gen, hand = sys.argv[1], sys.argv[2]
    cc = sys.argv[3] if len(sys.argv) == 4 else 'cc'
    gnums, gstrs = names(gen)
    hnums, hstrs = names(hand)
    bad = 0
    for name in sorted(set(hnums) | set(hstrs)):
        if name not in gnums and name not in gstrs and name not in ALLOWED:
            print(f'{hand}: {name} is not in the spec')
            bad += 1
    with tempfile.TemporaryDirectory() as tmp:
        prog = os.path.join(tmp, 'values.c')
        with open(prog, 'w') as f:
            f.write('#include <stdio.h>\n#include "%s"\n' % os.path.abspath(gen))
            f.write('int main(void)\n{\n')
            for name in gnums:
                f.write('\tprintf("%%s %%lld\\n", "%s", (long long)(%s));\n'
                        % (name, name))
            f.write('\treturn 0;\n}\n')
        run([cc, '-Wall', '-Werror', '-o', prog[:-2], prog])
        values = [line.split() for line in run([prog[:-2]]).splitlines()]
        check = os.path.join(tmp, 'check.c')
        with open(check, 'w') as f:
            f.write('#include <stdio.h>\n#include <string.h>\n')
            f.write('#include "%s"\n' % os.path.abspath(hand))
            for name, value in values:
                if name in hnums:
                    f.write('_Static_assert((long long)(%s) == %sLL, '
                            '"%s: %s is %s in the spec");\n'
                            % (name, value, hand, name, value))
            f.write('int main(void)\n{\n\tint bad = 0;\n')
            for name, literal in gstrs.items():
                if name in hstrs:
                    f.write('\tif (strcmp(%s, %s)) {\n\t\tputs("%s: %s is '
                            '%s in the spec");\n\t\tbad = 1;\n\t}\n'
                            % (name, literal, hand, name,
                               literal.replace('"', '\\"')))
            f.write('\treturn bad;\n}\n')
        p = subprocess.run([cc, '-Wall', '-Werror', '-o', check[:-2], check],
                           capture_output=True, text=True)
        if p.returncode:
            print(p.stderr, end='')
            bad += 1
        elif subprocess.run([check[:-2]]).returncode:
            bad += 1
    if bad:
        sys.exit(f'ynl-uapi-check: {hand} and the spec disagree')
    print(f'ynl-check: {hand} agrees with the spec '
          f'({len(values)} values, {len(gstrs)} strings)')


if __name__ == '__main__':
    main()
