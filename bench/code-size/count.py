#!/usr/bin/env python3
"""Size of the main code of one or more source trees (issue 13: "the main code is smaller").

  bench/code-size/count.py TREE...            e.g. a `git worktree` or `git archive` of each commit

Counts the Java under */src/main/java (the kaizala-double and kaizala-puller modules apart: issue 11 added them)
and the shell the local run and the benchmarks are made of (./pipeline, scripts/*.sh, bench/*/*.sh), three ways:
lines; code lines (neither blank nor only a comment); non-whitespace characters outside comments, which no layout
or formatter changes (strings and text blocks count, comments do not).
"""
import os
import re
import sys


def strip_java(s):
    out=[];i=0;n=len(s)
    while i<n:
        c=s[i]
        if s.startswith('"""',i):
            j=s.find('"""',i+3)
            while j!=-1 and s[j-1]=='\\': j=s.find('"""',j+1)
            j=n if j==-1 else j+3; out.append(s[i:j]); i=j
        elif c=='"' or c=="'":
            j=i+1
            while j<n and s[j]!=c:
                j+=2 if s[j]=='\\' else 1
            out.append(s[i:j+1]); i=j+1
        elif s.startswith('//',i):
            j=s.find('\n',i); i=n if j==-1 else j
        elif s.startswith('/*',i):
            j=s.find('*/',i+2); seg=s[i:(n if j==-1 else j+2)]
            out.append('\n'*seg.count('\n')); i=n if j==-1 else j+2
        else:
            out.append(c); i+=1
    return ''.join(out)
def sh(s): return '\n'.join(l for l in s.split('\n') if not l.strip().startswith('#'))
def measure(root, exclude=('kaizala-',)):
    J=[0,0,0];S=[0,0,0]
    for dp,dn,fn in os.walk(root):
        dn[:]=[d for d in dn if d not in ('target','.git','node_modules')]
        for f in fn:
            p=os.path.join(dp,f); rel=os.path.relpath(p,root)
            if any(rel.startswith(e) for e in exclude): continue
            if '/src/main/java/' in rel and f.endswith('.java'):
                s=open(p).read(); t=strip_java(s); acc=J
            elif rel=='pipeline' or (rel.startswith(('scripts/','bench/')) and f.endswith('.sh')):
                s=open(p).read(); t=sh(s); acc=S
            else: continue
            acc[0]+=s.count('\n'); acc[1]+=sum(1 for l in t.split('\n') if l.strip()); acc[2]+=len(re.sub(r'\s','',t))
    return J,S
for r in sys.argv[1:]:
    J,S=measure(r)
    print(f"{r}: java {J[0]}/{J[1]}/{J[2]} | shell {S[0]}/{S[1]}/{S[2]} | total lines {J[0]+S[0]} code {J[1]+S[1]} chars {J[2]+S[2]}")
