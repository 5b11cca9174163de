#!/usr/bin/python3
"""check_msg_table.py - check the message catalogue (src/ga_msg_zh_CN.c) against
the sources (src/*.c, src/*.h).

Extracts the msgid of every GA_T(env, "..."), ga_tr(lang, "...") and
GA_N_("...") (adjacent literals concatenated, C escapes decoded, comments
skipped) and fails on:
  - a msgid without a zh-CN entry                     (missing)
  - a table entry no source uses                      (unused)
  - the same msgid twice in the table                 (duplicate)
  - printf conversions that differ between the texts  (format)
  - an en-US text that is not printable ASCII + '\\n'  (ascii)
  - a line over 80 columns (zh-CN: wide and ambiguous-width characters
    count 2)                                          (width)
  - a zh-CN text with control characters or bad UTF-8 (zh-text)
  - a marker whose argument mixes literals and code   (not-literal)

Usage:
  check_msg_table.py               self-test, then check $abs_top_srcdir/src
  check_msg_table.py --self-test   only the self-test (each rule must fire)
  check_msg_table.py --missing     print table stubs for the missing msgids
  check_msg_table.py SRCDIR        check another source directory
Python standard library only. Exit 0 when clean, 1 otherwise.
"""

import os
import re
import shutil
import sys
import tempfile
import unicodedata

sys.dont_write_bytecode = True

MARKERS = {"GA_T": 1, "ga_tr": 1, "GA_N_": 0}  # name -> index of the msgid argument
TABLE = "ga_msg_zh_CN.c"
TABLE_ARRAY = "ga_msg_zh_CN"
WIDTH_MAX = 80

# printf conversion specification (C11 7.21.6.1 plus glibc's %m and n$)
CONV = re.compile(r"%(\d+\$)?([-+ #0']*)(\*|\d+)?(\.(?:\*|\d*))?"
                  r"(hh|h|ll|l|j|z|t|L)?([diouxXeEfFgGaAcspnm%])")
SIMPLE_ESC = {"n": 10, "t": 9, "r": 13, "a": 7, "b": 8, "f": 12, "v": 11,
              "\\": 92, "'": 39, '"': 34, "?": 63}


class Tok:
    __slots__ = ("kind", "val", "line", "prefix")

    def __init__(self, kind, val, line, prefix=""):
        self.kind, self.val, self.line, self.prefix = kind, val, line, prefix


def unescape(body, path, line, errors):
    """The bytes of a C string literal body (the text between the quotes)."""
    out = bytearray()
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        i += 1
        if i >= n:
            break
        c = body[i]
        if c in SIMPLE_ESC:
            out.append(SIMPLE_ESC[c])
            i += 1
        elif c in "01234567":
            j = i
            while j < n and j < i + 3 and body[j] in "01234567":
                j += 1
            out.append(int(body[i:j], 8) & 0xFF)
            i = j
        elif c == "x":
            j = i + 1
            while j < n and body[j] in "0123456789abcdefABCDEF":
                j += 1
            if j == i + 1:
                errors.append("%s:%d: error: bad \\x escape" % (path, line))
            else:
                out.append(int(body[i + 1:j], 16) & 0xFF)
            i = j
        elif c in "uU":
            k = 4 if c == "u" else 8
            out += chr(int(body[i + 1:i + 1 + k], 16)).encode("utf-8")
            i += 1 + k
        else:
            errors.append("%s:%d: error: unknown escape \\%s" % (path, line, c))
            i += 1
    return bytes(out)


def tokenize(text, path, errors):
    """C tokens: identifiers, string literals (value: bytes), punctuation.
    Comments, character constants and numbers are dropped."""
    toks = []
    i, n, line = 0, len(text), 1
    ident = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c in " \t\r\f\v\\":
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
        elif c in "\"'":
            prefix = ""
            if toks and toks[-1].kind == "id" and toks[-1].val in ("u8", "u", "U", "L") \
                    and toks[-1].line == line and text[i - 1] != " ":
                prefix = toks.pop().val
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == "\\":
                    j += 1
                if j < n and text[j] == "\n":
                    errors.append("%s:%d: error: newline in a literal" % (path, line))
                    break
                j += 1
            if c == '"':
                toks.append(Tok("str", unescape(text[i + 1:j], path, line, errors),
                                line, prefix))
            i = j + 1
        elif c.isdigit():
            m = re.compile(r"[0-9A-Za-z_.]+").match(text, i)
            i = m.end()
        else:
            m = ident.match(text, i)
            if m:
                toks.append(Tok("id", m.group(0), line))
                i = m.end()
            else:
                toks.append(Tok("p", c, line))
                i += 1
    return toks


def split_args(toks, start):
    """Arguments of the call whose '(' is toks[start]: a list of token lists,
    or None when the parentheses do not close."""
    args, cur, depth = [], [], 0
    for k in range(start, len(toks)):
        t = toks[k]
        if t.kind == "p" and t.val in "([{":
            depth += 1
            if depth == 1:
                continue
        elif t.kind == "p" and t.val in ")]}":
            depth -= 1
            if depth == 0:
                args.append(cur)
                return args
        elif t.kind == "p" and t.val == "," and depth == 1:
            args.append(cur)
            cur = []
            continue
        cur.append(t)
    return None


def literal(arg):
    """The bytes of an argument made only of string literals, else None."""
    if arg and all(t.kind == "str" for t in arg):
        return b"".join(t.val for t in arg)
    return None


def extract(path, relpath, errors):
    """[(msgid bytes, line)] for every marker in one source file."""
    with open(path, encoding="utf-8") as f:
        toks = tokenize(f.read(), relpath, errors)
    found = []
    for k, t in enumerate(toks):
        if t.kind != "id" or t.val not in MARKERS:
            continue
        if k + 1 >= len(toks) or toks[k + 1].val != "(":
            continue
        if k > 0 and toks[k - 1].val in (".", ">", "define"):  # member, ->, #define
            continue
        args = split_args(toks, k + 1)
        if args is None or len(args) <= MARKERS[t.val]:
            continue
        arg = args[MARKERS[t.val]]
        msg = literal(arg)
        if msg is not None:
            if any(a.prefix for a in arg):
                errors.append("%s:%d: error: not-literal: %s( ) takes a plain \"...\" "
                              "literal, not a prefixed one" % (relpath, t.line, t.val))
            else:
                found.append((msg, t.line))
        elif any(a.kind == "str" for a in arg):
            errors.append("%s:%d: error: not-literal: the text of %s( ) mixes literals "
                          "and code; mark each literal with GA_N_()" % (relpath, t.line, t.val))
    return found


def parse_table(path, relpath, errors):
    """[(en bytes, tr bytes, line)] of the table array."""
    with open(path, encoding="utf-8") as f:
        toks = tokenize(f.read(), relpath, errors)
    k = 0
    while k < len(toks) and not (toks[k].val == TABLE_ARRAY and k + 4 < len(toks)
                                  and toks[k + 1].val == "[" and toks[k + 3].val == "="):
        k += 1
    if k >= len(toks):
        errors.append("%s:1: error: table: no array %s[] = {...}" % (relpath, TABLE_ARRAY))
        return []
    k += 4
    if toks[k].val != "{":
        errors.append("%s:%d: error: table: expected {" % (relpath, toks[k].line))
        return []
    k += 1
    entries = []
    while k < len(toks) and toks[k].val != "}":
        if toks[k].val == ",":
            k += 1
            continue
        args = split_args(toks, k) if toks[k].val == "{" else None
        if args is None or len(args) != 2 or literal(args[0]) is None \
                or literal(args[1]) is None:
            errors.append("%s:%d: error: table: an entry is {\"en\", \"zh-CN\"}"
                          % (relpath, toks[k].line))
            return entries
        entries.append((literal(args[0]), literal(args[1]), toks[k].line))
        depth = 0
        while True:  # skip past the entry's closing brace
            if toks[k].val == "{":
                depth += 1
            elif toks[k].val == "}":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        k += 1
    return entries


def show(b):
    """A msgid as a C literal, for error messages."""
    s = b.decode("utf-8", "backslashreplace")
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def conversions(s):
    """The printf conversions of s in order, normalised to what consumes
    arguments ('%-8s' -> '%s', '%.*s' stays); a stray '%' is '%?'."""
    out, i = [], 0
    while True:
        i = s.find("%", i)
        if i < 0:
            return out
        m = CONV.match(s, i)
        if not m:
            out.append("%?")
            i += 1
            continue
        pos, _flags, width, prec, length, conv = m.groups()
        out.append("%" + (pos or "") + ("*" if width == "*" else "")
                   + (".*" if prec == ".*" else "") + (length or "") + conv)
        i = m.end()


def columns(line, wide):
    """Display columns of one line; wide: count East Asian wide, full-width
    and ambiguous characters as 2 (as a CJK terminal may)."""
    cols = 0
    for ch in line:
        if unicodedata.combining(ch):
            continue
        cols += 2 if wide and unicodedata.east_asian_width(ch) in "WFA" else 1
    return cols


def check(srcdir, quiet=False):
    """Check srcdir; returns (errors, missing msgids)."""
    errors = []
    uses = {}  # msgid -> [(relpath, line)]
    base = os.path.basename(os.path.normpath(srcdir))
    for name in sorted(os.listdir(srcdir)):
        if not name.endswith((".c", ".h")) or name == TABLE:
            continue
        rel = os.path.join(base, name)
        for msg, line in extract(os.path.join(srcdir, name), rel, errors):
            uses.setdefault(msg, []).append((rel, line))
    trel = os.path.join(base, TABLE)
    entries = parse_table(os.path.join(srcdir, TABLE), trel, errors)

    table = {}
    for en, tr, line in entries:
        if en in table:
            errors.append("%s:%d: error: duplicate: entry already at line %d: %s"
                          % (trel, line, table[en][1], show(en)))
            continue
        table[en] = (tr, line)
        if en not in uses:
            errors.append("%s:%d: error: unused: no GA_T/ga_tr/GA_N_ uses %s"
                          % (trel, line, show(en)))

    missing = []
    for msg in sorted(uses):
        rel, line = uses[msg][0]
        where = "%s:%d" % (rel, line)
        text = msg.decode("latin-1")
        if msg == b"":
            errors.append("%s: error: empty msgid" % where)
        bad = [c for c in text if not (" " <= c <= "~" or c == "\n")]
        if bad:
            errors.append("%s: error: ascii: en-US text has %r (printable ASCII and \\n "
                          "only): %s" % (where, bad[0], show(msg)))
        for ln in text.split("\n"):
            if columns(ln, False) > WIDTH_MAX:
                errors.append("%s: error: width: en-US line of %d columns (max %d): %s"
                              % (where, columns(ln, False), WIDTH_MAX, show(msg)))
        if msg not in table:
            errors.append("%s: error: missing: no zh-CN entry for %s" % (where, show(msg)))
            missing.append(msg)
            continue
        tr, tline = table[msg]
        twhere = "%s:%d" % (trel, tline)
        try:
            zh = tr.decode("utf-8")
        except UnicodeDecodeError:
            errors.append("%s: error: zh-text: translation is not UTF-8: %s"
                          % (twhere, show(msg)))
            continue
        ctl = [c for c in zh if c != "\n" and unicodedata.category(c) in ("Cc", "Cf")]
        if ctl:
            errors.append("%s: error: zh-text: translation has control character U+%04X: %s"
                          % (twhere, ord(ctl[0]), show(msg)))
        if zh.strip() == "":
            errors.append("%s: error: zh-text: empty translation: %s" % (twhere, show(msg)))
        for ln in zh.split("\n"):
            if columns(ln, True) > WIDTH_MAX:
                errors.append("%s: error: width: zh-CN line of %d columns (max %d, CJK "
                              "counts 2): %s" % (twhere, columns(ln, True), WIDTH_MAX,
                                                 show(msg)))
        ce, cz = conversions(text), conversions(zh)
        if ce != cz:
            errors.append("%s: error: format: printf conversions differ: en-US %s, "
                          "zh-CN %s: %s" % (twhere, " ".join(ce) or "none",
                                            " ".join(cz) or "none", show(msg)))
    if not quiet:
        print("check_msg: %d msgids in %s, %d table entries"
              % (len(uses), srcdir, len(entries)))
    return errors, missing


# ---- self-test: every rule must fire on a synthetic source tree ---------

GOOD_SRC = r'''
#include "ga_msg.h"
/* GA_T(env, "in a block comment") must not count */
// GA_N_("in a line comment") must not count
#define R_X GA_N_("Reason "
                  "joined.")
static void f(struct env *env, const char *lang, const char *why)
{
    show(GA_T(env, "Say \"hi\".\nSecond line, 100%% sure: %s %d\n"), "x", 1);
    show(ga_tr(lang, why));            /* a runtime value: not a msgid */
    show(ga_tr(lang, "Back\\slash, "
                     "octal \101 hex \x42."));
    char c = '"'; (void)c;
    show(GA_T(env, ok ? R_X : why));
}
'''
GOOD_TABLE = r'''
#include "ga_msg_table.h"
const struct ga_msg_entry ga_msg_zh_CN[] = {
    /* group */
    {"Reason joined.", "原因。"},
    {"Say \"hi\".\nSecond line, 100%% sure: %s %d\n",
     "说“你好”。\n第二行，100%% 确定：%s %d\n"},
    {"Back\\slash, octal A hex B.", "反斜杠。"},
};
'''


def self_test():
    """Run the checker on synthetic trees; returns the number of failures."""
    entry = '{"Reason joined.", "原因。"},'
    cases = [
        # (name, extra source b.c, table edit (old, new) or None,
        #  the error expected, None for none at all)
        ("clean", "", None, None),
        ("missing", 'void g(void){ show(GA_N_("Brand new.")); }', None,
         'src/b.c:1: error: missing: no zh-CN entry for "Brand new."'),
        ("unused", "", (entry, entry + ' {"Gone.", "走了。"},'),
         'src/ga_msg_zh_CN.c:5: error: unused: no GA_T/ga_tr/GA_N_ uses "Gone."'),
        ("duplicate", "", (entry, entry + '\n{"Reason joined.", "又一个。"},'),
         'src/ga_msg_zh_CN.c:6: error: duplicate: entry already at line 5: "Reason joined."'),
        ("format-order", "", ("确定：%s %d", "确定：%d %s"),
         "error: format: printf conversions differ: en-US %% %s %d, zh-CN %% %d %s"),
        ("format-missing", "", ("确定：%s %d", "确定：%s"), "error: format: printf conversions differ: en-US %% %s %d, zh-CN %% %s: "),
        ("format-length", "", ("确定：%s %d", "确定：%s %ld"), "error: format: printf conversions differ: en-US %% %s %d, zh-CN %% %s %ld: "),
        ("format-percent", "", ("100%% 确定", "100% 确定"), "error: format: printf conversions differ: en-US %% %s %d, zh-CN %? %s %d: "),
        ("ascii", 'void g(void){ show(GA_N_("Caf\\xc3\\xa9.")); }',
         (entry, entry + '\n{"Caf\\303\\251.", "咖啡。"},'),
         "src/b.c:1: error: ascii: en-US text has"),
        ("ascii-tab", 'void g(void){ show(GA_N_("a\\tb")); }',
         (entry, entry + '\n{"a\\tb", "甲乙"},'), "error: ascii: en-US text has '\\t'"),
        ("width-en", 'void g(void){ show(GA_N_("' + "x" * 81 + '")); }',
         (entry, entry + '\n{"' + "x" * 81 + '", "叉。"},'),
         "src/b.c:1: error: width: en-US line of 81 columns"),
        ("width-en-ok", 'void g(void){ show(GA_N_("' + "x" * 80 + '\\n' + "y" * 80
         + '")); }', (entry, entry + '\n{"' + "x" * 80 + '\\n' + "y" * 80 + '", "叉。"},'),
         None),
        ("width-zh", "", ('"原因。"', '"' + "原" * 41 + '"'),
         "src/ga_msg_zh_CN.c:5: error: width: zh-CN line of 82 columns"),
        ("zh-control", "", ('"原因。"', '"原\\033因。"'),
         "error: zh-text: translation has control character U+001B"),
        ("zh-utf8", "", ('"原因。"', '"\\xff"'), "error: zh-text: translation is not UTF-8"),
        ("not-literal", 'void g(void){ show(GA_T(env, x ? "A." : "B.")); }', None,
         "src/b.c:1: error: not-literal"),
    ]
    failures = 0
    for name, extra, repl, want in cases:
        tmp = tempfile.mkdtemp(prefix="check_msg.")
        try:
            src = os.path.join(tmp, "src")
            os.mkdir(src)
            table = GOOD_TABLE
            src_a = GOOD_SRC
            if repl:
                if repl[0] not in table:
                    print("self-test %s: BROKEN CASE (%r not in table)" % (name, repl[0]))
                    failures += 1
                    continue
                table = table.replace(repl[0], repl[1], 1)
            with open(os.path.join(src, "a.c"), "w", encoding="utf-8") as f:
                f.write(src_a)
            if extra:
                with open(os.path.join(src, "b.c"), "w", encoding="utf-8") as f:
                    f.write(extra)
            with open(os.path.join(src, TABLE), "w", encoding="utf-8") as f:
                f.write(table)
            errors, _missing = check(src, quiet=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if want is None:
            ok = errors == []
        else:
            ok = any(want in e for e in errors)
        # a rule's case must not set off unrelated rules (except "missing"
        # for a msgid the case adds without a table entry)
        if ok and want is not None:
            rule = want.split("error: ")[1].split(":")[0]
            stray = [e for e in errors if ("error: %s" % rule) not in e]
            ok = stray == []
        print("self-test %-15s %s" % (name, "ok" if ok else "FAILED"))
        if not ok:
            failures += 1
            print("  wanted: %s" % want)
            for e in errors:
                print("  got:    %s" % e)
    return failures


def unit_tests():
    """The helpers on their own."""
    errors = []
    fails = 0
    toks = tokenize('GA_N_("a" /* c */ "b\\n\\"" // x\n "c")', "t.c", errors)
    got = literal(split_args(toks, 1)[0])
    fails += got != b'ab\n"c'
    fails += conversions("%s %-5d %.*s %%, %zu %lld %1$s 5%!") != \
        ["%s", "%d", "%.*s", "%%", "%zu", "%lld", "%1$s", "%?"]
    fails += columns("中文ab", True) != 6 or columns("中文ab", False) != 4
    fails += errors != []
    print("self-test %-15s %s" % ("helpers", "ok" if not fails else "FAILED"))
    return fails


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.environ.get("abs_top_srcdir") or os.path.dirname(os.path.dirname(here))
    args = argv[1:]
    if args == ["--self-test"]:
        return 1 if unit_tests() + self_test() else 0
    if args == ["--missing"]:
        _errors, missing = check(os.path.join(top, "src"), quiet=True)
        for msg in missing:
            print('    {%s, "TODO"},' % show(msg))
        return 0
    srcdir = args[0] if args else os.path.join(top, "src")
    failures = 0
    if not args:
        failures = unit_tests() + self_test()
    errors, _missing = check(srcdir)
    for e in errors:
        print(e)
    if failures:
        print("check_msg: the self-test failed: the checker cannot be trusted")
    print("check_msg: %d error(s)" % len(errors))
    # the closing line scripts/summarize.sh counts: the self-test and the
    # catalogue check, each one check
    print("check_msg_table: %d passed, %d failed" % ((failures == 0) + (not errors),
                                                     (failures != 0) + (len(errors) > 0)))
    return 1 if errors or failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
