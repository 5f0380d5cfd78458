#!/usr/bin/env python3
"""Checks that every relative link in the Markdown docs points at a file that exists and, for #anchors, at a
heading that exists (GitHub's anchor rules). Exit status 1 lists the broken ones. --fix moves a broken
same-page anchor to the document that holds that heading, and a path that moved into or out of docs/."""
import os, re, sys
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = ['README.md', 'CONTRIBUTING.md', 'bench/README.md'] + sorted('docs/' + f for f in os.listdir(os.path.join(ROOT, 'docs')) if f.endswith('.md'))
LINK = re.compile(r'\]\(([^)\s]+)\)')

def anchor(heading):
    a = heading.strip().lower()
    a = re.sub(r'[^\w\- ]', '', a)
    return a.replace(' ', '-')

def anchors(path):
    found, fence = set(), False
    for line in open(os.path.join(ROOT, path)):
        if line.startswith('```'): fence = not fence
        m = None if fence else re.match(r'^#{1,6} (.*)', line)
        if m: found.add(anchor(m.group(1)))
    return found

ALL = {d: anchors(d) for d in DOCS}

def check(doc, target):
    if re.match(r'^[a-z]+:', target): return True
    path, _, frag = target.partition('#')
    base = os.path.dirname(doc)
    full = os.path.normpath(os.path.join(base, path)) if path else doc
    if not os.path.exists(os.path.join(ROOT, full)): return False
    return not frag or (full in ALL and frag in ALL[full])

def fixed(doc, target):
    path, _, frag = target.partition('#')
    base = os.path.dirname(doc)
    if path and not os.path.exists(os.path.join(ROOT, os.path.normpath(os.path.join(base, path)))):
        for cand in (os.path.relpath(os.path.join(ROOT, path), os.path.join(ROOT, base)),
                     os.path.relpath(os.path.join(ROOT, 'docs', os.path.basename(path)), os.path.join(ROOT, base))):
            if os.path.exists(os.path.normpath(os.path.join(ROOT, base, cand))):
                path = cand; break
    if frag:
        full = os.path.normpath(os.path.join(base, path)) if path else doc
        if full not in ALL or frag not in ALL[full]:
            owners = [d for d in DOCS if frag in ALL[d]]
            if len(owners) == 1:
                path = '' if owners[0] == doc else os.path.relpath(os.path.join(ROOT, owners[0]), os.path.join(ROOT, base))
    return path + ('#' + frag if frag else '')

broken = []
for doc in DOCS:
    text = open(os.path.join(ROOT, doc)).read()
    if '--fix' in sys.argv:
        text = LINK.sub(lambda m: '](' + (m.group(1) if check(doc, m.group(1)) else fixed(doc, m.group(1))) + ')', text)
        open(os.path.join(ROOT, doc), 'w').write(text)
    for m in LINK.finditer(text):
        if not check(doc, m.group(1)):
            broken.append(f'{doc}: ({m.group(1)})')
print('\n'.join(broken) or f'{len(DOCS)} documents, every relative link resolves')
sys.exit(1 if broken else 0)
