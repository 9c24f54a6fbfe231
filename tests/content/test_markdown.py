"""Markdown to safe HTML: examples, a published XSS corpus, and properties over generated input.

The XSS vectors are written after the OWASP XSS Filter Evasion Cheat Sheet:
https://cheatsheetseries.owasp.org/cheatsheets/XSS_Filter_Evasion_Cheat_Sheet.html
"""

import re
import unicodedata
from html import unescape
from html.parser import HTMLParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from forum.content import render_chat_markdown, render_markdown, sanitize_html

REL = 'rel="nofollow noopener noreferrer"'
PLAIN_TAGS = "p br em strong del s ul ol li blockquote hr pre table thead tbody tr h3 h4 h5 h6"
ALLOWED_ATTRIBUTES = {tag: set() for tag in PLAIN_TAGS.split()}
ALLOWED_ATTRIBUTES |= {"a": {"href", "rel"}, "th": {"align"}, "td": {"align"}, "code": {"class"}}
FORBIDDEN = "script|iframe|object|embed|svg|math|img|style|form|input|base|meta|link"
FORBIDDEN_TAG = re.compile(rf"<\s*/?\s*({FORBIDDEN})\b", re.I)
SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_ATTRIBUTES:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name not in ALLOWED_ATTRIBUTES.get(tag, ()):
                self.problems.append(f"attribute {name} on <{tag}>")
            elif name == "href" and not _is_harmless_href(value or ""):
                self.problems.append(f"href {value!r}")
            elif name == "class" and not re.fullmatch(r"language-[\w+#.-]+", value or ""):
                self.problems.append(f"class {value!r}")

    def handle_comment(self, data):
        self.problems.append(f"comment {data!r}")

    def handle_decl(self, decl):
        self.problems.append(f"declaration {decl!r}")

    handle_pi = unknown_decl = handle_decl


def _is_harmless_href(value: str) -> bool:
    # Unescape once more than a browser would, and drop every space, control and format character anywhere.
    plain = "".join(c for c in unescape(value) if unicodedata.category(c)[0] not in "CZ").lower()
    scheme = SCHEME.match(plain)
    return scheme is None or scheme.group(1) in ("http", "https", "mailto")


def assert_no_script_capable(html: str) -> None:
    """Fail on anything in `html` that could run script, style the page or leave the allow-list."""
    assert not FORBIDDEN_TAG.search(html), html
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert not checker.problems, (checker.problems, html)


@pytest.mark.parametrize(
    "bad",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//x.rocks/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        "<p onclick='alert(1)'>x</p>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<a href="https://x.org" target="_blank">x</a>',
        '<code class="x onclick">x</code>',
        "<h1>page title</h1>",
        "<iframe src=https://x.org></iframe>",
        "<!--[if gte IE 4]>x<![endif]-->",
    ],
)
def test_checker_rejects_script_capable_html(bad):
    with pytest.raises(AssertionError):
        assert_no_script_capable(bad)


def test_checker_accepts_what_we_produce():
    assert_no_script_capable(
        f'<h3>t</h3><p><a href="https://x.org/?a=1&amp;b=2" {REL}>x</a> <a href="/cases/1">r</a>'
        '<a href="#n">n</a> <a href="mailto:a@b.fr">m</a></p><td align="left">1</td>'
        '<pre><code class="language-python">&lt;script&gt;</code></pre>'
    )


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("*a* **b** ~~c~~ `d`", "<p><em>a</em> <strong>b</strong> <s>c</s> <code>d</code></p>\n"),
        ("- a\n- b\n\n1. c", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>c</li>\n</ol>\n"),
        ("> quoted\n\n---", "<blockquote>\n<p>quoted</p>\n</blockquote>\n<hr>\n"),
        ("```python\nif a < b:\n```", '<pre><code class="language-python">if a &lt; b:\n</code></pre>\n'),
        ("    <script>", "<pre><code>&lt;script&gt;\n</code></pre>\n"),
        ("<b>raw</b> &amp; <!-- c -->", "<p>&lt;b&gt;raw&lt;/b&gt; &amp; &lt;!-- c --&gt;</p>\n"),
        ("a\nb", "<p>a\nb</p>\n"),
        ("| K+ | mmol/L |\n|:--|--:|\n| 5.9 | high |", '<th align="left">K+</th>\n<th align="right">mmol/L</th>'),
        ("[HAS](https://has-sante.fr/a 'title')", f'<p><a href="https://has-sante.fr/a" {REL}>HAS</a></p>\n'),
        ("see https://has-sante.fr/x.", f'<a href="https://has-sante.fr/x" {REL}>https://has-sante.fr/x</a>.'),
        ("<https://x.org> a@b.fr", f'<a href="https://x.org" {REL}>https://x.org</a> <a href="mailto:a@b.fr" {REL}>'),
        ("[case](/cases/12#c3)", f'<a href="/cases/12#c3" {REL}>case</a>'),
        ("0.5.ml has-sante.fr www.x.fr", "<p>0.5.ml has-sante.fr www.x.fr</p>\n"),
        ("![ECG, V1](https://x.org/ecg.png)", f'<p><a href="https://x.org/ecg.png" {REL}>ECG, V1</a></p>\n'),
        ("![](https://x.org/ecg.png)", f'<a href="https://x.org/ecg.png" {REL}>https://x.org/ecg.png</a>'),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        ("  \n\t ", ""),
        ("", ""),
    ],
)
def test_render_markdown_examples(source, html):
    assert html in render_markdown(source)


@pytest.mark.parametrize("source", ["# T", "## T", "### T", "#### T", "##### T", "###### T", "T\n=", "T\n-"])
def test_headings_shift_two_levels_down_so_posts_never_hold_page_headings(source):
    level = source.count("#") or (1 if "=" in source else 2)
    tag = f"h{min(level + 2, 6)}"
    assert render_markdown(source) == f"<{tag}>T</{tag}>\n"


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("# not a title", "<p># not a title</p>\n"),
        ("| a |\n|---|\n| 1 |", "<p>| a |<br>\n|---|<br>\n| 1 |</p>\n"),
        ("line one\nline two", "<p>line one<br>\nline two</p>\n"),
        ("**b** `c` [l](https://x.org)", f'<p><strong>b</strong> <code>c</code> <a href="https://x.org" {REL}>l</a>'),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"),
        ("![x](https://x.org/i.png)", f'<p><a href="https://x.org/i.png" {REL}>x</a></p>\n'),
        ("---", "<p>---</p>\n"),
        (" ", ""),
    ],
)
def test_render_chat_markdown_examples(source, html):
    assert html in render_chat_markdown(source)


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ('<p onclick="x" style="color:red" class="c">t</p>', "<p>t</p>"),
        ('<a href="/x" target="_blank" rel="opener" title="t">x</a>', f'<a href="/x" {REL}>x</a>'),
        ('<a href="javascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ("<h1>a</h1><h2>b</h2><h3>c</h3>", "a\nb<h3>c</h3>"),
        ('<table><tr><td align="left" style="x">1</td><td align="justify">2', '<td align="left">1</td><td>2</td>'),
        ('<code class="language-js">x</code><code class="evil">y', '<code class="language-js">x</code><code>y</code>'),
        ("<img src=x onerror=alert(1)>ok", "ok"),
    ],
)
def test_sanitize_html_examples(dirty, clean):
    assert clean in sanitize_html(dirty)


OWASP_VECTORS = [
    "<SCRIPT SRC=https://x.rocks/xss.js></SCRIPT>",
    "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116">',
    "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;",
    "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
    "&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x31&#x29",
    "jav\tascript:alert('XSS');",
    "jav&#x09;ascript:alert('XSS');",
    "jav&#x0A;ascript:alert('XSS');",
    "jav&#x0D;ascript:alert('XSS');",
    "java\x00script:alert(1)",
    " &#14;  javascript:alert('XSS');",
    '<SCRIPT/XSS SRC="http://x.rocks/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=//x.rocks/.j>",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    "<iframe src=http://x.rocks/scriptlet.html <",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<svg/onload=alert('XSS')>",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://x.rocks/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciPjwvc3ZnPg==">',
    '<SCRIPT a=">" SRC="httx://x.rocks/xss.js"></SCRIPT>',
    "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "JaVaScRiPt:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    'vbscript:msgbox("XSS")',
    "java%0ascript:alert(1)",
    'x" onmouseover="alert(1)',
]
# Each vector as typed raw, as a link or image destination, as an autolink, as a reference and inside a link label.
WRAPPINGS = ["VECTOR", "[x](VECTOR)", "![x](VECTOR)", "<VECTOR>", "[x][r]\n\n[r]: VECTOR", "[VECTOR](https://x.org)"]


@pytest.mark.parametrize("wrapping", WRAPPINGS)
@pytest.mark.parametrize("vector", OWASP_VECTORS)
def test_owasp_vectors_come_out_harmless(vector, wrapping):
    source = wrapping.replace("VECTOR", vector)
    for render in (render_markdown, render_chat_markdown, sanitize_html):
        assert_no_script_capable(render(source))


FRAGMENTS = [*"*_`~#>-|[]()!<>\"'=&;:/\\ \t\n", "**", "~~", "```", "\n\n", "# ", "1. ", "|-|", "---", "](", "!["]
TAGS = ["<script>", "</script>", "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>", "<a href=", "</a>", "<math>"]
TAGS += ["<iframe", "<style>", "<p style=", " onclick=", " href=", " src=", "<!--", "-->", "<![CDATA[", "<base href="]
URLS = ["javascript:alert(1)", "JaVaScRiPt:", "java\tscript:", "java\x00script:", "&#106;avascript:", "&#x6A;", "data:"]
URLS += ["data:text/html;base64,PHM+", "data:image/png;base64,AA", "vbscript:", "http://x.org/", "https://", "mailto:"]
URLS += ["//x.org", "%0a", "\u2028", "\ufeff", "&colon;", "&Tab;", "&NewLine;", "&lt;", "&#60;", "&#x3C;", "&#"]
pieces = st.one_of(st.sampled_from(FRAGMENTS + TAGS + URLS), st.text(max_size=4))
soup = st.lists(pieces, max_size=30).map("".join)
documents = st.one_of(
    soup,
    st.lists(
        st.one_of(soup, st.builds("[{}]({})".format, soup, soup), st.builds("![{}]({} '{}')".format, soup, soup, soup)),
        max_size=4,
    ).map("\n".join),
)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_generated_markdown_renders_harmless(source):
    assert_no_script_capable(render_markdown(source))
    assert_no_script_capable(render_chat_markdown(source))


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        # An attribute value with `"` and no `'` was quoted with `'`, and each pass added an &amp; to its entities.
        ("<a href='\"&lt;'>x</a>", f'<a href="&quot;&lt;" {REL}>x</a>'),
        ("<a href='\"<'>x</a>", f'<a href="&quot;&lt;" {REL}>x</a>'),
        ("<a href='\"&amp;'>x</a>", f'<a href="&quot;&amp;" {REL}>x</a>'),
        ('<a href="\'&amp;">x</a>', f'<a href="\'&amp;" {REL}>x</a>'),
    ],
)
def test_sanitize_html_quotes_attributes_with_double_quotes_so_entities_survive_a_second_pass(dirty, clean):
    assert sanitize_html(dirty) == clean
    assert sanitize_html(clean) == clean


@settings(max_examples=200, deadline=None)
@given(documents)
@example('<a href=*"<script>')  # Once grew href='*"&lt;script' into href='*"&amp;lt;script'.
def test_sanitize_html_is_idempotent(source):
    assert sanitize_html(render_markdown(source)) == render_markdown(source)
    assert sanitize_html(render_chat_markdown(source)) == render_chat_markdown(source)
    once = sanitize_html(source)
    assert_no_script_capable(once)
    assert sanitize_html(once) == once
