"""The ctypes structs of the binding against the C compiler: sizeof, and offset and size
of every field, as tests/python/struct_layout.c prints them; and the field lists must be
the same (a field added in C and not in ctypes moves `reserved` and fails here).

Usage: test_structs.py STRUCT_LAYOUT_EXE"""
import ctypes
import json
import subprocess
import sys

from common import expect

from vsample import _structs

c = json.loads(subprocess.run([sys.argv[1]], capture_output=True, text=True, check=True).stdout)
expect(set(c) == set(_structs.STRUCTS), f"structs: C {sorted(c)} vs ctypes {sorted(_structs.STRUCTS)}")
checked = 0
for name, layout in c.items():
    cls = _structs.STRUCTS[name]
    expect(ctypes.sizeof(cls) == layout["size"], f"sizeof({name}): ctypes {ctypes.sizeof(cls)}, C {layout['size']}")
    py_fields = [f[0] for f in cls._fields_]
    expect(py_fields == list(layout["fields"]), f"{name} fields: ctypes {py_fields}, C {list(layout['fields'])}")
    for field, (offset, size) in layout["fields"].items():
        d = getattr(cls, field)
        expect((d.offset, d.size) == (offset, size),
               f"{name}.{field}: ctypes offset {d.offset} size {d.size}, C offset {offset} size {size}")
        checked += 1
    expect(ctypes.alignment(cls) <= 8, f"{name}: alignment {ctypes.alignment(cls)}")
print(f"ok: {len(c)} structs, {checked} fields match the C layout")
