#!/usr/bin/python3
"""check_man.py - keep the manual pages (man/) in sync with the code.

Checks, each counted once in the closing line:
  render pam_genauth.8, render pam_genauth.conf.5
      groff -man -Tutf8 -ww -z exits 0 and prints nothing on stderr
  man-warnings pam_genauth.8, man-warnings pam_genauth.conf.5
      man --warnings -l prints nothing on stderr (skipped without man(1))
      (the render and man checks are skipped without groff)
  ascii pam_genauth.8, ascii pam_genauth.conf.5
      the source is printable ASCII and newlines only
  version pam_genauth.8, version pam_genauth.conf.5
      .TH names the version of configure.ac's AC_INIT
  keys-documented   every key of ga_cfg_keys (src/ga_config.c) is a key of
                    the KEYS section of pam_genauth.conf.5 (a .TP tag at
                    the top level of that section, .SS subsections included)
  keys-exist        every key of that section is in ga_cfg_keys
  key-facts         each key's paragraph states what the schema says:
                    "Required", or "Default: VALUE" (string and integer
                    defaults), "MIN to MAX" (integer keys), every choice
  args-documented   every module argument src/ga_args.c accepts (the
                    strcmp/strncmp of parse_one; step=VALUE from
                    step_names[]) is a .TP tag of OPTIONS in pam_genauth.8
  args-exist        every OPTIONS tag is an argument ga_args.c accepts
  self-test         each check above fails on a broken copy of the pages

Usage:
  check_man.py               check $abs_top_srcdir (else this file's ../..)
  check_man.py --self-test   only the self-test
Python standard library only. Exit 0 when clean, 1 otherwise; the last
line is "check_man: N passed, M failed, K skipped".
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True

PAGE8 = "man/pam_genauth.8"
PAGE5 = "man/pam_genauth.conf.5"
KEYS_SECTION = "KEYS"
OPTIONS_SECTION = "OPTIONS"
# font and inline macros whose arguments are text; the alternating ones
# join their arguments without spaces
TEXT_MACROS = {"B": " ", "I": " ", "SM": " ", "SB": " ",
               "BR": "", "RB": "", "BI": "", "IB": "", "IR": "", "RI": ""}
ENV = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80", MANPAGER="cat", PAGER="cat",
           MAN_DISABLE_SECCOMP="1")


class Skip(Exception):
    """A check that cannot run here (a tool is missing)."""


# ---- troff text -----------------------------------------------------------

def macro_args(rest):
    """The arguments of a macro line: blank-separated, "..." groups."""
    args, cur, quoted, i = [], "", False, 0
    while i < len(rest):
        c = rest[i]
        if c == '"':
            if quoted and rest[i + 1:i + 2] == '"':  # "" inside quotes
                cur += '"'
                i += 2
                continue
            quoted = not quoted
            if not quoted:
                args.append(cur)
                cur = ""
        elif c in " \t" and not quoted:
            if cur:
                args.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    if cur:
        args.append(cur)
    return args


def unescape(s):
    """Text of a troff line without font changes and the usual escapes."""
    s = re.sub(r"\\f(\[[^\]]*\]|\(..|.)", "", s)
    for esc, ch in (("\\(dq", '"'), ("\\(aq", "'"), ("\\(bu", "*"), ("\\-", "-"),
                    ("\\&", ""), ("\\c", ""), ("\\%", ""), ("\\e", "\\")):
        s = s.replace(esc, ch)
    return s


def plain(line):
    """The text a source line contributes ("" for requests and comments)."""
    if line.startswith(".\\\"") or line.startswith("'\\\""):
        return ""
    if line.startswith("."):
        name, _, rest = line[1:].strip().partition(" ")
        if name not in TEXT_MACROS:
            return ""
        return unescape(TEXT_MACROS[name].join(macro_args(rest)))
    return unescape(line)


def sections(text):
    """{.SH name: [source lines]}"""
    out, cur = {}, None
    for line in text.split("\n"):
        if line.startswith(".SH"):
            cur = unescape(" ".join(macro_args(line[3:])))
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return out


def top_tags(lines):
    """[(tag text, paragraph text)] of the .TP items at the top level of a
    section (.RS/.RE depth 0), .SS subsections included. A paragraph ends
    at the next top-level .TP, .PP, .LP, .P or .SS."""
    items, depth, i = [], 0, 0
    cur = None
    while i < len(lines):
        line = lines[i]
        req = line[1:].split(" ")[0] if line.startswith(".") else None
        if req == "RS":
            depth += 1
        elif req == "RE":
            depth = max(0, depth - 1)
        if depth == 0 and req in ("TP", "PP", "LP", "P", "SS"):
            if cur:
                items.append((cur[0], " ".join(t for t in cur[1] if t)))
                cur = None
            if req == "TP" and i + 1 < len(lines):
                cur = (plain(lines[i + 1]).strip(), [])
                i += 2
                continue
        elif cur is not None:
            cur[1].append(plain(line))
        i += 1
    if cur:
        items.append((cur[0], " ".join(t for t in cur[1] if t)))
    return items


# ---- the code -------------------------------------------------------------

def c_fields(body):
    """Top-level comma-separated fields of an initializer body."""
    fields, cur, quoted, i = [], "", False, 0
    while i < len(body):
        c = body[i]
        if quoted and c == "\\":
            cur += body[i:i + 2]
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        if c == "," and not quoted:
            fields.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    if cur.strip():
        fields.append(cur.strip())
    return fields


def c_string(field):
    """The value of "..." (None for NULL)."""
    if field == "NULL":
        return None
    m = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', field)
    if not m:
        raise ValueError("not a string literal: %s" % field)
    return m.group(1).replace('\\"', '"').replace("\\\\", "\\")


def strip_comments(text):
    """C source without comments; string and character literals kept whole
    ("https://..." is not a comment)."""
    return re.sub(r'("(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')|/\*.*?\*/|//[^\n]*',
                  lambda m: m.group(1) or " ", text, flags=re.S)


def schema(top):
    """[{name, type, def, required, def_num, min, max, choices}] from
    ga_cfg_keys, checked against enum key of ga_config_check.h."""
    with open(os.path.join(top, "src", "ga_config.c"), encoding="utf-8") as f:
        text = strip_comments(f.read())
    with open(os.path.join(top, "src", "ga_config_check.h"), encoding="utf-8") as f:
        header = strip_comments(f.read())
    arrays = {}
    for m in re.finditer(r"static const char \*const (\w+)\[\]\s*=\s*\{([^}]*)\}", text):
        arrays[m.group(1)] = [c_string(x) for x in c_fields(m.group(2)) if x != "NULL"]
    m = re.search(r"ga_cfg_keys\[K_COUNT\]\s*=\s*\{(.*?)\n\};", text, re.S)
    if not m:
        raise ValueError("src/ga_config.c: no ga_cfg_keys[K_COUNT] = {...};")
    keys = []
    for e in re.finditer(r"\[(K_\w+)\]\s*=\s*\{([^{}]*)\}", m.group(1)):
        f = c_fields(e.group(2))
        if len(f) != 11:
            raise ValueError("ga_cfg_keys[%s]: %d fields, expected 11" % (e.group(1), len(f)))
        choices = None
        if f[7] != "NULL":
            if f[7] not in arrays:
                raise ValueError("ga_cfg_keys[%s]: choices %s not found" % (e.group(1), f[7]))
            choices = arrays[f[7]]
        keys.append({"enum": e.group(1), "name": c_string(f[0]), "type": f[1],
                     "def": c_string(f[2]), "required": f[3] != "0",
                     "def_num": int(f[4]), "min": int(f[5]), "max": int(f[6]),
                     "choices": choices})
    em = re.search(r"enum key\s*\{(.*?)\}", header, re.S)
    enum = [x.split("=")[0].strip() for x in em.group(1).split(",")] if em else []
    enum = [x for x in enum if x and x != "K_COUNT"]
    if not keys or sorted(enum) != sorted(k["enum"] for k in keys):
        raise ValueError("ga_cfg_keys does not hold exactly the keys of enum key "
                         "(parsed %d entries, enum has %d)" % (len(keys), len(enum)))
    return keys


def module_args(top):
    """(exact arguments, {prefix: [values] or None for a free value}) that
    parse_one of src/ga_args.c accepts."""
    with open(os.path.join(top, "src", "ga_args.c"), encoding="utf-8") as f:
        text = strip_comments(f.read())
    m = re.search(r"\nstatic ga_status_t parse_one\(.*?\n\}", text, re.S)
    if not m:
        raise ValueError("src/ga_args.c: no function parse_one")
    body = m.group(0)
    exact = re.findall(r'\bstrcmp\(arg,\s*"([^"]+)"\)\s*==\s*0', body)
    prefixes = {}
    for p in re.findall(r'\bstrncmp\(arg,\s*"([^"]+=)",\s*\d+\)\s*==\s*0', body):
        table = re.search(r"\b%s_names\[\]\s*=\s*\{([^}]*)\}" % re.escape(p[:-1]), text)
        prefixes[p] = None
        if table:
            prefixes[p] = re.findall(r'\]\s*=\s*"([^"]+)"', table.group(1))
            if not prefixes[p]:
                raise ValueError("src/ga_args.c: %s_names[] has no entries" % p[:-1])
    if not exact or not prefixes:
        raise ValueError("src/ga_args.c: parse_one compares no argument names")
    return exact, prefixes


def version(top):
    with open(os.path.join(top, "configure.ac"), encoding="utf-8") as f:
        m = re.search(r"AC_INIT\(\[[^]]*\],\s*\[([^]]*)\]", f.read())
    if not m:
        raise ValueError("configure.ac: no AC_INIT version")
    return m.group(1)


# ---- the checks (each returns a list of error strings) ----------------------

def tool_complaints(argv):
    """Run argv (stdout discarded); every stderr line and a non-zero exit
    status are complaints, prefixed with the tool's name."""
    p = subprocess.run(argv, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       check=False)
    err = p.stderr.decode("utf-8", "replace").strip()
    out = ["%s: %s" % (argv[0], ln) for ln in err.splitlines()]
    if p.returncode != 0:
        out.append("%s exited with %d" % (argv[0], p.returncode))
    return out


def check_render(path):
    if not shutil.which("groff"):
        raise Skip("groff is not installed (Debian: groff-base)")
    return tool_complaints(["groff", "-man", "-Tutf8", "-ww", "-z", path])


def check_man_warnings(path):
    if not shutil.which("man") or not shutil.which("groff"):
        raise Skip("man(1) or groff is not installed")
    return tool_complaints(["man", "--warnings", "-l", path])


def check_ascii(data):
    out = []
    for n, line in enumerate(data.split(b"\n"), 1):
        bad = [b for b in line if not 0x20 <= b <= 0x7e]
        if bad:
            out.append("line %d: byte 0x%02x is not printable ASCII" % (n, bad[0]))
    return out


def check_version(text, want):
    m = re.search(r"^\.TH .*$", text, re.M)
    if not m:
        return ["no .TH line"]
    args = macro_args(m.group(0)[3:])
    if len(args) < 4 or args[3] != "pam_genauth %s" % want:
        return [".TH source is %r, expected \"pam_genauth %s\" (configure.ac)"
                % (args[3] if len(args) > 3 else None, want)]
    return []


def documented_keys(text5):
    sec = sections(text5).get(KEYS_SECTION)
    if sec is None:
        return None
    return top_tags(sec)


def check_keys_documented(text5, keys):
    items = documented_keys(text5)
    if items is None:
        return ["no .SH %s section" % KEYS_SECTION]
    tags = {t for t, _ in items}
    return ["key %s (ga_cfg_keys[%s]) is not documented" % (k["name"], k["enum"])
            for k in keys if k["name"] not in tags]


def check_keys_exist(text5, keys):
    items = documented_keys(text5)
    if items is None:
        return ["no .SH %s section" % KEYS_SECTION]
    names = {k["name"] for k in keys}
    out, seen = [], set()
    for tag, _ in items:
        if tag not in names:
            out.append("documented key %r is not in ga_cfg_keys" % tag)
        elif tag in seen:
            out.append("key %s is documented twice" % tag)
        seen.add(tag)
    return out


def word(s):
    """A regex matching s as a whole token."""
    return r"(?<![\w-])" + re.escape(s) + r"(?![\w-])"


def check_key_facts(text5, keys):
    items = documented_keys(text5)
    if items is None:
        return ["no .SH %s section" % KEYS_SECTION]
    para = dict(items)
    out = []
    for k in keys:
        p = para.get(k["name"])
        if p is None:
            continue  # keys-documented reports it
        name = k["name"]
        if k["required"]:
            if not re.search(r"\bRequired\b", p):
                out.append("%s: required in the schema, the page does not say "
                           "\"Required\"" % name)
            continue
        if k["type"] == "CFGT_INT":
            default = str(k["def_num"])
            rng = "%d to %d" % (k["min"], k["max"])
            if not re.search(word(rng), p):
                out.append("%s: the page does not give the range \"%s\"" % (name, rng))
        else:
            default = k["def"]
        if default is None:
            if "Default:" not in p:
                out.append("%s: the page gives no \"Default:\"" % name)
        elif not re.search(r'Default: "?%s"?(?![\w-])' % re.escape(default)
                           if default else r'Default: ""', p):
            out.append("%s: the page does not say \"Default: %s\"" % (name, default))
        for c in k["choices"] or []:
            if not re.search(word(c), p):
                out.append("%s: the page does not name the choice %s" % (name, c))
    return out


def option_tags(text8):
    sec = sections(text8).get(OPTIONS_SECTION)
    return None if sec is None else [t for t, _ in top_tags(sec)]


def accepted(exact, prefixes):
    """The tags the page must have: exact names, PREFIX=VALUE for tables,
    (PREFIX, None) for a free value."""
    want = [(a, False) for a in exact]
    for p, values in sorted(prefixes.items()):
        if values is None:
            want.append((p, True))
        else:
            want.extend((p + v, False) for v in values)
    return want


def names_arg(tag, a, free):
    """tag documents argument a (free: a is PREFIX= followed by a value)."""
    return tag.startswith(a) and len(tag) > len(a) if free else tag == a


def check_args_documented(text8, exact, prefixes):
    tags = option_tags(text8)
    if tags is None:
        return ["no .SH %s section" % OPTIONS_SECTION]
    out = []
    for a, free in accepted(exact, prefixes):
        if not any(names_arg(t, a, free) for t in tags):
            out.append("module argument %s%s is not documented"
                       % (a, "VALUE" if free else ""))
    return out


def check_args_exist(text8, exact, prefixes):
    tags = option_tags(text8)
    if tags is None:
        return ["no .SH %s section" % OPTIONS_SECTION]
    want = accepted(exact, prefixes)
    return ["option %r is not an argument src/ga_args.c accepts" % t
            for t in tags if not any(names_arg(t, a, free) for a, free in want)]


# ---- running -------------------------------------------------------------------

def read(top, rel):
    with open(os.path.join(top, rel), "rb") as f:
        return f.read()


def all_checks(top, page8, page5, path8, path5):
    """[(name, function returning errors)] for pages given as bytes;
    path8/path5: files with the same content (for groff and man)."""
    keys = schema(top)
    exact, prefixes = module_args(top)
    ver = version(top)
    t8 = page8.decode("ascii", "replace")
    t5 = page5.decode("ascii", "replace")
    n8, n5 = os.path.basename(PAGE8), os.path.basename(PAGE5)
    return [
        ("render " + n8, lambda: check_render(path8)),
        ("render " + n5, lambda: check_render(path5)),
        ("man-warnings " + n8, lambda: check_man_warnings(path8)),
        ("man-warnings " + n5, lambda: check_man_warnings(path5)),
        ("ascii " + n8, lambda: check_ascii(page8)),
        ("ascii " + n5, lambda: check_ascii(page5)),
        ("version " + n8, lambda: check_version(t8, ver)),
        ("version " + n5, lambda: check_version(t5, ver)),
        ("keys-documented", lambda: check_keys_documented(t5, keys)),
        ("keys-exist", lambda: check_keys_exist(t5, keys)),
        ("key-facts", lambda: check_key_facts(t5, keys)),
        ("args-documented", lambda: check_args_documented(t8, exact, prefixes)),
        ("args-exist", lambda: check_args_exist(t8, exact, prefixes)),
    ]


def run(checks, quiet=False):
    """{name: "pass" | "fail" | "skip"}, printing each result."""
    results = {}
    for name, fn in checks:
        try:
            errors = fn()
        except Skip as e:
            results[name] = "skip"
            if not quiet:
                print("SKIP %s: %s" % (name, e))
            continue
        results[name] = "fail" if errors else "pass"
        if not quiet:
            print("%s %s" % ("ok  " if not errors else "FAIL", name))
            for e in errors:
                print("  %s" % e)
    return results


# ---- self-test: each check must fail on a broken copy -----------------------

def self_test(top):
    """Returns the number of failed cases."""
    page8, page5 = read(top, PAGE8), read(top, PAGE5)
    keys = schema(top)
    some_int = next(k for k in keys if k["type"] == "CFGT_INT")
    # (case, page, old, new, the check that must fail); man --warnings runs
    # groff too, so it may fail with render; no other check may
    cases = [
        ("key removed", 5, b".TP\n.B %s\n" % some_int["name"].encode(), b".PP\n",
         "keys-documented"),
        ("unknown key", 5, b".SH KEYS\n", b".SH KEYS\n.TP\n.B no_such_key\nText.\n",
         "keys-exist"),
        ("default changed", 5, b"Default: %d." % some_int["def_num"],
         b"Default: %d." % (some_int["def_num"] + 1000), "key-facts"),
        ("choice missing", 5, b".B client_secret_basic\n", b".B gone\n", "key-facts"),
        ("argument removed", 8, b".TP\n.B use_first_pass\n", b".PP\n",
         "args-documented"),
        ("argument invented", 8, b".SH OPTIONS\n",
         b".SH OPTIONS\n.TP\n.B no_such_arg\nText.\n", "args-exist"),
        ("non-ASCII", 8, b"GenAuth (Authing)", b"GenAuth (\xc3\xa9)", "ascii "),
        ("version", 5, b"\"pam_genauth ", b"\"pam_genauth 9", "version "),
        ("bad request", 8, b".SH FILES\n", b".SH FILES\n.XQ undefined\n", "render "),
        ("bad escape", 5, b".SH FILES\n", b".SH FILES\n\\[nosuchglyph]\n", "render "),
    ]
    failures = 0
    tmp = tempfile.mkdtemp(prefix="check_man.")
    try:
        clean8, clean5 = os.path.join(tmp, "clean.8"), os.path.join(tmp, "clean.5")
        for path, data in ((clean8, page8), (clean5, page5)):
            with open(path, "wb") as f:
                f.write(data)
        # what already fails on the pages as they are is reported by the
        # main run; a case shows only what its break adds
        baseline = run(all_checks(top, page8, page5, clean8, clean5), quiet=True)
        for case, which, old, new, want in cases:
            src = page8 if which == 8 else page5
            if src.count(old) < 1:
                print("self-test %-18s BROKEN CASE (%r not in the page)" % (case, old))
                failures += 1
                continue
            broken = src.replace(old, new, 1)
            path = os.path.join(tmp, "broken.%d" % which)
            with open(path, "wb") as f:
                f.write(broken)
            p8, p5 = (broken, page5) if which == 8 else (page8, broken)
            f8, f5 = (path, clean5) if which == 8 else (clean8, path)
            results = run(all_checks(top, p8, p5, f8, f5), quiet=True)
            new_fail = [n for n, r in results.items() if r == "fail" and baseline[n] == "pass"]
            hit = [n for n in new_fail if n.startswith(want)]
            untestable = [n for n, r in baseline.items() if n.startswith(want) and r != "pass"]
            if untestable and not hit:
                print("self-test %-18s skipped (%s: %s on the pages as they are)"
                      % (case, untestable[0], baseline[untestable[0]]))
                continue
            also = "man-warnings " if want == "render " else want
            stray = [n for n in new_fail if not n.startswith((want, also))]
            ok = bool(hit) and not stray
            why = "%s did not fail" % want.strip() if not hit else \
                "%s failed too" % ", ".join(stray)
            print("self-test %-18s %s" % (case, "ok" if ok else "FAILED (%s)" % why))
            failures += not ok
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return failures


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.environ.get("abs_top_srcdir") or os.path.dirname(os.path.dirname(here))
    args = argv[1:]
    if args not in ([], ["--self-test"]):
        print(__doc__)
        return 2
    try:
        selftest_failures = self_test(top)
        if args == ["--self-test"]:
            return 1 if selftest_failures else 0
        page8, page5 = read(top, PAGE8), read(top, PAGE5)
        results = run(all_checks(top, page8, page5, os.path.join(top, PAGE8),
                                 os.path.join(top, PAGE5)))
    except (OSError, ValueError, StopIteration) as e:
        print("check_man: cannot run: %s" % e)
        print("check_man: 0 passed, 1 failed, 0 skipped")
        return 1
    results["self-test"] = "fail" if selftest_failures else "pass"
    print("%s self-test" % ("ok  " if not selftest_failures else "FAIL"))
    counts = {r: sum(1 for v in results.values() if v == r) for r in ("pass", "fail", "skip")}
    print("check_man: %d passed, %d failed, %d skipped"
          % (counts["pass"], counts["fail"], counts["skip"]))
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
