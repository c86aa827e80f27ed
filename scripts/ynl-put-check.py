#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check that the kernel sends each attribute with the type the spec gives.

    ynl-put-check.py SPEC FILE...

The generated policies pin the types of what user space sends; nothing
generated pins what the kernel sends.  This reads every nla_put_TYPE(),
nla_put() (binary), hshm_nl_put_u64() and nla_nest_start() of FILE...
whose attribute is named (HSHM_...), and fails if the spec gives that
attribute another type or does not know it.
"""
import re
import sys

import yaml

PUTS = {
    'nla_put_u8': 'u8',
    'nla_put_u16': 'u16',
    'nla_put_u32': 'u32',
    'nla_put_s32': 's32',
    'nla_put_u64_64bit': 'u64',
    'hshm_nl_put_u64': 'u64',
    'nla_put_string': 'string',
    'nla_put_flag': 'flag',
    'nla_put': 'binary',
    'nla_nest_start': 'nest',
}

CALL = re.compile(r'\b(' + '|'.join(sorted(PUTS, key=len, reverse=True)) +
                  r')\(\s*\w+\s*,\s*(HSHM_[A-Z0-9_]+)\b')


def c_upper(name):
    return name.upper().replace('-', '_')


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    spec = yaml.safe_load(open(sys.argv[1]))
    types = {}
    for aset in spec['attribute-sets']:
        prefix = aset.get('name-prefix',
                          f"{spec['name']}-{aset['name']}-a-")
        for attr in aset['attributes']:
            types[c_upper(prefix + attr['name'])] = attr['type']
    bad = seen = 0
    for path in sys.argv[2:]:
        text = open(path).read()
        for m in CALL.finditer(text):
            call, name = m.group(1), m.group(2)
            line = text.count('\n', 0, m.start()) + 1
            seen += 1
            if name not in types:
                print(f'{path}:{line}: {name} is not in the spec')
                bad += 1
            elif types[name] != PUTS[call]:
                print(f'{path}:{line}: {call}() of {name}, which the spec '
                      f'says is {types[name]}')
                bad += 1
    if bad:
        sys.exit('ynl-put-check: the kernel and the spec disagree')
    print(f'ynl-check: the {seen} attributes the kernel puts have the '
          f"spec's types")


if __name__ == '__main__':
    main()
