#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The section 3 manual pages of libhshm against the header they describe.

usage: check-man3.py HEADER MAN3DIR

HEADER is libhshm.h, MAN3DIR a directory of pages as `make install` puts
them (PREFIX/share/man/man3).  The header's kernel-doc is the contract;
the pages say it again for man(1), and this keeps the two from drifting:

  - every function declared HSHM_API has MAN3DIR/NAME.3, a page or a
    ".so man3/PAGE.3" link to a page whose NAME section lists it, and is
    named by exactly one page;
  - the SYNOPSIS of a page declares its functions as the header does
    (the same prototypes, spaces aside), and nothing else;
  - a page names every errno value (EINVAL, ...) that the kernel-doc of
    its functions names, and no other than those or the ones of a
    function that kernel-doc or the page refers to ("the errors of
    hshm_request_submit()");
  - libhshm.3 refers to every page.

Prints what differs as KTAP comments ("# ..."); exit status 0 if nothing
does, 1 otherwise, 2 on bad usage.
"""
import errno
import os
import re
import shlex
import sys

ERRNO_NAMES = set(errno.errorcode.values())
problems = []


def problem(msg):
    problems.append(msg)


def norm(proto):
    """A prototype with its spacing made canonical."""
    proto = re.sub(r'\s+', ' ', proto).strip()
    proto = re.sub(r'\s*([(),;])\s*', r'\1', proto)
    return proto.replace(',', ', ')


def errnos(text):
    return {w for w in re.findall(r'\bE[A-Z0-9]+\b', text) if w in ERRNO_NAMES}


def parse_header(path):
    """{function: (prototype, kernel-doc text)}"""
    text = open(path, encoding='utf-8').read()
    docs = {m.group(1): m.group(0) for m in
            re.finditer(r'/\*\*\n \* (\w+)\(\) - .*?\*/', text, re.S)}
    funcs = {}
    for m in re.finditer(r'^HSHM_API\s+([^;]*);', text, re.M):
        proto = norm(m.group(1) + ';')
        name = re.search(r'(\w+)\(', proto).group(1)
        if name not in docs:
            problem(f'libhshm.h: {name}() has no kernel-doc')
        funcs[name] = (proto, docs.get(name, ''))
    return funcs


def section(lines, title):
    """The lines of the .SH section TITLE."""
    out, inside = [], False
    for line in lines:
        if line.startswith('.SH'):
            inside = line[3:].strip().strip('"') == title
        elif inside:
            out.append(line)
    return out


def synopsis_protos(lines):
    """The prototypes a SYNOPSIS declares (font macros and quotes gone)."""
    text = ''
    for line in section(lines, 'SYNOPSIS'):
        m = re.match(r'\.(B|BI|BR|I|IB|IR|RB|RI)\s+(.*)', line)
        if not m or '#include' in line:
            continue
        text += ''.join(shlex.split(m.group(2))) + ' '
    text = text.replace('\\-', '-')
    return [norm(p + ';') for p in text.split(';') if p.strip()]


def page_refs(text):
    """The functions a page refers to as NAME(3)."""
    return set(re.findall(r'(\w+)(?:\\fP)?\s*\(3\)', text))


def main():
    if len(sys.argv) != 3:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    header, man3 = sys.argv[1], sys.argv[2]
    funcs = parse_header(header)
    if not funcs:
        problem('libhshm.h declares no HSHM_API function')
    named_by = {f: [] for f in funcs}
    pages = {}
    for fn in sorted(os.listdir(man3)):
        if not fn.endswith('.3'):
            continue
        text = open(os.path.join(man3, fn), encoding='utf-8').read()
        m = re.fullmatch(r'\.so man3/(\S+)\n?', text)
        if m:
            pages[fn] = ('link', m.group(1))
            continue
        lines = text.split('\n')
        name_sec = ' '.join(section(lines, 'NAME'))
        names = [n.strip() for n in name_sec.split('\\-')[0].split(',')]
        pages[fn] = ('page', names, lines, text)
        for n in names:
            if n in named_by:
                named_by[n].append(fn)

    for f in sorted(funcs):
        page = f + '.3'
        if page not in pages:
            problem(f'{f}(): no {page}')
        elif pages[page][0] == 'link':
            target = pages[page][1]
            if target not in pages or pages[target][0] != 'page':
                problem(f'{page}: .so man3/{target}: no such page')
            elif f not in pages[target][1]:
                problem(f'{page}: {target} does not name {f}')
        if len(named_by[f]) != 1:
            problem(f'{f}(): named by {len(named_by[f])} pages '
                    f'({", ".join(named_by[f]) or "none"}), not 1')

    for fn, p in sorted(pages.items()):
        if p[0] != 'page':
            continue
        _, names, lines, text = p
        mine = [n for n in names if n in funcs]
        if fn == 'libhshm.3':
            for f in sorted(set(funcs) - page_refs(text)):
                problem(f'libhshm.3: does not refer to {f}(3)')
            continue
        if not mine:
            problem(f'{fn}: names no HSHM_API function ({", ".join(names)})')
            continue
        want = sorted(funcs[n][0] for n in mine)
        got = sorted(synopsis_protos(lines))
        for proto in sorted(set(want) - set(got)):
            problem(f'{fn}: SYNOPSIS lacks   {proto}')
        for proto in sorted(set(got) - set(want)):
            problem(f'{fn}: SYNOPSIS has     {proto}   (not in libhshm.h)')
        doc = ''.join(funcs[n][1] for n in mine)
        direct = errnos(doc)
        refs = set(re.findall(r'\b(hshm_\w+)\(\)', doc)) | page_refs(text)
        allowed = direct | errnos(''.join(funcs[r][1] for r in refs if r in funcs))
        said = errnos(text)
        for e in sorted(direct - said):
            problem(f'{fn}: does not name {e}, which libhshm.h gives '
                    f'for {", ".join(mine)}')
        for e in sorted(said - allowed):
            problem(f'{fn}: names {e}, which libhshm.h does not give '
                    f'for {", ".join(mine)}')

    for msg in problems:
        print('# ' + msg)
    nreal = sum(1 for p in pages.values() if p[0] == 'page')
    print(f'# {len(funcs)} HSHM_API functions; {nreal} pages and '
          f'{len(pages) - nreal} links in {man3}; '
          f'{len(problems)} differences')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
