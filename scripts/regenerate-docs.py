#!/usr/bin/env python3
"""Regenerates the generated parts of the docs from the built executable: the tool reference
(docs/api-reference.md), the README's tool table and docs/configuration.md's settings table.
Usage: scripts/regenerate-docs.py [path/to/mcp-proxmox-admin]   (default .build/debug/...)"""
import pathlib, subprocess, sys

root = pathlib.Path(__file__).resolve().parent.parent
binary = sys.argv[1] if len(sys.argv) > 1 else str(root / ".build/debug/mcp-proxmox-admin")

def run(*args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout

def replace_section(path, name, body):
    text = path.read_text()
    begin = text.index(f"<!-- {name}:begin")
    after = text.index("-->\n", begin) + 4
    end = text.index(f"<!-- {name}:end -->", after)
    path.write_text(text[:after] + body + text[end:])

(root / "docs/api-reference.md").write_text(run("tools", "--markdown"))
replace_section(root / "README.md", "tools", run("tools", "--table"))
replace_section(root / "docs/configuration.md", "settings", run("settings", "--markdown"))
