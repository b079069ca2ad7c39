"""Read a folder of scraped articles into the ``documents`` and ``lines`` tables.

Every input file becomes one ``documents`` row (with its problems listed), every non-blank raw
line one ``lines`` row with a role from the vocabulary in ``SCHEMA.md``. The article lines
(title, standfirst, headings, body) are repaired into a clean :class:`~kit.offsets.TextView`
that maps every offset back to the raw file.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kit.offsets import Edit, TextView

__all__ = [
    "ARTICLE_ROLES",
    "LINE_ROLES",
    "Article",
    "Corpus",
    "CorpusError",
    "classify_lines",
    "decode_bytes",
    "decode",
    "raw_text",
    "read_article",
    "read_corpus",
    "repair_edits",
    "split_lines",
]

LINE_ROLES = (
    "title", "title_duplicate", "standfirst", "heading", "body", "author", "byline", "date",
    "date_updated", "section", "tag", "keywords", "url", "image_url", "caption", "related_link",
    "publisher", "locale", "ad", "newsletter", "comments", "scrape_junk",
)
#: Roles whose text is analysed (entities, quotes, dates); the rest is kept but not read.
ARTICLE_ROLES = frozenset({"title", "standfirst", "heading", "body"})

#: Larger files are listed with a problem and not analysed: a news article is rarely over 100 KB,
#: and spaCy refuses texts over 1,000,000 characters (its parser needs memory per character).
MAX_BYTES = 500_000
MANIFEST_COLUMNS = ("published", "url", "outlet", "title", "author", "date_basis")


class CorpusError(Exception):
    """The corpus folder cannot be read at all (missing, not a folder)."""


# --------------------------------------------------------------------------- reading files


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """Decode file bytes to text; return the text and the problems met on the way."""
    text, _encoding, problems = decode(data)
    return text, problems


#: Code pages of other scripts: charset-normalizer's pick stands when most of the text's letters
#: are outside ASCII (a Russian or Greek article); on mostly-ASCII text such a pick is a guess
#: (English with a few accents came out as cp775, cp932 or big5).
_OTHER_SCRIPTS = frozenset({"cp1251", "koi8_r", "koi8_u", "iso8859_5", "mac_cyrillic", "cp866", "cp855",
                            "cp1253", "iso8859_7", "mac_greek", "cp1255", "iso8859_8", "cp1256", "iso8859_6",
                            "cp874", "tis_620", "big5", "big5hkscs", "gb2312", "gb18030", "gbk", "hz", "shift_jis",
                            "cp932", "euc_jp", "euc_jis_2004", "iso2022_jp", "euc_kr", "cp949", "johab"})
#: Turkish code pages: they differ from cp1252 in six letters only, which no symbol test tells
#: apart, so the detector's pick stands.
_TURKISH = frozenset({"cp1254", "iso8859_9"})
_HIGH_BYTES = bytes(range(0x80, 0x100))
_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
# A character that is neither a letter nor word punctuation, between two letters: "Za¿ó³æ" is
# Polish read with the wrong code page; "mayor´s" (an accent for an apostrophe) is not.
_INSIDE_WORD = re.compile(r"(?<=[^\W\d_])[^\s'\u2019\u00b4`.\-\u00b7](?=[^\W\d_])")


def _oddities(text: str) -> int:
    return sum(1 for m in _INSIDE_WORD.finditer(text) if not m.group().isalpha())


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Decode file bytes to text: ``(text, encoding, problems)``.

    UTF-8 (a byte-order mark is dropped: ``utf-8-sig``), UTF-16 with a byte-order mark (``utf-16``), else
    the encoding charset-normalizer finds most likely when it is Turkish, or another script's
    and most letters are outside ASCII. Otherwise cp1252, unless the detector's pick or cp1250
    puts at least two fewer symbols inside words ("Za¿ó³æ" is Polish read as cp1252): on short
    mostly-English text the detector's pick is often a Baltic, Vietnamese or even Japanese code
    page, which turns "São Paulo" into "Sćo Paulo"."""
    problems: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", problems
        except UnicodeDecodeError:
            data = data[3:]
    for bom, enc in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            problems.append(f"encoding: {enc} (byte-order mark)")
            # named "utf-16": decoding the file's bytes with it gives this text (the mark read, not kept)
            return data[2:].decode(enc, errors="replace"), "utf-16", problems
    try:
        return data.decode("utf-8"), "utf-8", problems
    except UnicodeDecodeError:
        pass
    guess = None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        guess = best.encoding if best is not None else None
    except Exception:  # noqa: BLE001 - any detector failure falls back to cp1252 below
        guess = None
    high = len(data) - len(data.translate(None, _HIGH_BYTES))  # counted in C, not per byte
    letters = high + len(data) - len(data.translate(None, _ASCII_LETTERS))
    if guess in _TURKISH or guess in _OTHER_SCRIPTS and high > 0.3 * letters:
        text = data.decode(guess, errors="replace")
    else:
        # cp1252 (what Western web pages use) unless another reading puts at least two fewer
        # symbols inside words: one stray symbol (a leftover "Ã¡" from a double encoding) must
        # not send the whole file to another code page
        tried = {enc: data.decode(enc, errors="replace") for enc in dict.fromkeys(["cp1252", guess or "cp1252", "cp1250"])}
        odd = {enc: (_oddities(t), t.count("\ufffd")) for enc, t in tried.items()}
        guess = "cp1252"
        for enc in tried:
            if odd[enc][0] <= odd["cp1252"][0] - 2 and odd[enc] < odd[guess]:
                guess = enc
        text = tried[guess]
    problems.append(f"encoding: not UTF-8, decoded as {guess} (guessed)")
    return text, guess, problems


def raw_text(path: str | Path) -> str:
    """A file's text exactly as the kit reads it, which every ``start_char``/``end_char`` of the
    tables indexes: decoded as the ``documents`` table's ``encoding`` says, a UTF-8 byte-order
    mark dropped, line endings kept as they are (``Path.read_text`` would turn ``\\r\\n``
    into ``\\n`` and shift every offset after it)."""
    return decode(Path(path).read_bytes())[0]


_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text is full of NUL bytes
    if b"\x00" in head:
        return True
    if not head:
        return False
    ctrl = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C, not per byte in Python
    return ctrl / len(head) > 0.1


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class Line:
    """A non-blank raw line, trimmed of surrounding whitespace."""

    line: int
    start: int
    end: int
    text: str


def split_lines(raw: str) -> list[Line]:
    """Non-blank lines of ``raw`` with 1-based numbers and trimmed raw offsets."""
    out: list[Line] = []
    pos = 0
    # Only \n, \r\n and \r end lines: str.splitlines also splits on \x0b, \x1c, U+2028...,
    # which would renumber lines against what an editor shows.
    for n, m in enumerate(re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", raw), start=1):
        if m.start() == len(raw) and m.end() == len(raw) and n > 1:
            break
        seg = m.group(0).rstrip("\r\n")
        a = m.start()
        stripped = seg.strip()
        if stripped:
            lead = len(seg) - len(seg.lstrip())
            s = a + lead
            out.append(Line(n, s, s + len(stripped), stripped))
        pos = m.end()
        if pos >= len(raw):
            break
    return out


# --------------------------------------------------------------------------- line roles

_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_IMAGE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|avif|bmp)(?:[?#]\S*)?$|/(?:img|image|images|photo|photos|media)/", re.I)
_JUNK = re.compile(r"^(?:/html\b|<[a-z!/][^>]*>|\{.*\}$|\[.*\]$|(?:undefined|null|none|nan|true|false)$)", re.I)
#: xpath dumps ("/@href", "[@class"), anywhere in a line (tested only when it holds an "@")
_JUNK_AT = re.compile(r"[/\[]@\w")
_NUMERIC_JUNK = re.compile(r"^[\d\s.,:;x×/|-]*(?:\b(?:true|false|null)\b[\s\d]*)*$", re.I)
_LOCALE = re.compile(r"^[a-z]{2,3}[_-][A-Za-z]{2}$")
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\+\d[\d\s()-]{7,}|©|\bcopyright\b|\ball rights reserved\b", re.I)
_AD = re.compile(r"^(?:advertis(?:ing|ement|e)|sponsored(?: content)?|ad|ads|promoted|paid (?:post|content)|"
                 r"(?:story|article) continues (?:below|after) (?:the )?advertisement)[.:]?$", re.I)
_NEWSLETTER = re.compile(r"^(?:subscribe\b|sign up\b|get (?:our|the) \w+ newsletter|join our\b|newsletter\b)|"
                         r"\bnewsletter\b.{0,80}$|\bsubscribe to\b", re.I)
_COMMENTS = re.compile(r"^(?:\d+\s+)?comments?$|^(?:post|leave|add|view|show|load|read)(?: a| the| all)? comments?$|"
                       r"^\d+\s+comments?\b|^comments? \(\d+\)$|"
                       r"^.{0,60}\bjoin the (?:conversation|discussion|debate)\b.{0,20}$", re.I)
#: Headers of a block of links or tags after the article ("Read more", "Explore more on these topics").
_RELATED_HEADER = re.compile(r"^(?:read more|more on this(?: story| topic)?|related(?: articles?| stories| coverage| content)?|"
                             r"recommended(?: for you)?|you may also like|more stories|more from \w[\w ]{0,30}|"
                             r"further reading|also read|see also|most read|top stories)[.:]?$", re.I)
_TAG_HEADER = re.compile(r"^(?:explore more on these topics|related topics|topics|tags|more on|filed under|"
                         r"categories|keywords)[.:]?$", re.I)
_RELATED = re.compile(r"^[(\[]?\s*(?:read (?:also|more)|also read|see also|related(?: articles?| stories| coverage)?|"
                      r"more on this|recommended|more from|you may also like|watch)\s*[:\-–—]", re.I)
_BYLINE = re.compile(r"^(?:[Bb]y:?|[Ww]ritten [Bb]y:?|(?:[Aa]uthors?|AUTHORS?|[Bb]yline|BYLINE)\s*:)\s+"
                     r"(?P<name>[A-Z][^\d]{1,80})$")
#: A header field written out with its label ("URL: https://...", "Title: ..."): the label names
#: the role, and the metadata is what follows it.
_URL_FIELD = re.compile(r"^(?:url|link|web ?link|source url|canonical(?: url)?|permalink|address)\s*:\s*"
                        r"(?P<url>(?:https?://|www\.)\S+)$", re.I)
#: The last word of many news outlets' names ("Valley Gazette", "The Korea Herald", "Daily Star").
_OUTLET_WORD = re.compile(r"\b(?:Gazette|Times|Post|Herald|News|Journal|Tribune|Press|Chronicle|Observer|"
                          r"Telegraph|Guardian|Standard|Express|Mirror|Mail|Independent|Courier|Bulletin|Examiner|"
                          r"Inquirer|Monitor|Register|Dispatch|Gazeta|Zeitung|Agency|Radio|Television|TV|"
                          r"Broadcasting|Network|Magazine|Weekly|Sentinel|Star|Sun)$")
_TITLE_LABEL = re.compile(r"^(?:title|headline)\s*:\s*(?=\S)", re.I)
_SOURCE_FIELD = re.compile(r"^(?i:source|publisher|publication|outlet)\s*:\s*(?P<o>[A-Z][\w&.'’ -]{1,60}?)"
                           r"(?P<agencies>\s+and (?:other )?(?:news )?(?:agencies|wires))?\s*$")
_CAPTION = re.compile(r"^(?:photo|image|picture|file photo|video|illustration)(?: by)?\s*[:|(–—-]|"
                      r"\b(?:photograph|photo|picture|image|illustration)s?(?: by)?:\s*[^.]{2,80}$|"
                      r"\((?:AP|AFP|Reuters|Getty|EPA|AP Photo|Xinhua|TASS|Sputnik)\b[^)]{0,60}\)\s*$|"
                      r"^(?:getty images|reuters|afp|ap|epa|shutterstock|alamy|xinhua|tass|sputnik|ria novosti)"
                      r"(?:\s*(?:/|via)\s*[\w ]+)?$|^\(?(?:photo|image) credit|^(?:image|photo|video) (?:caption|source)\b",
                      re.I)
_CREDIT = re.compile(r"^[(\[]?(?:(?:additional )?reporting|writing|editing|compiled|translated|produced|research)\s+by\b|"
                     r"^source\s*:|\bcontributed (?:to )?(?:this|the) (?:report|story|article)\b", re.I)
_BREADCRUMB = re.compile(r"^[\w&'’ .-]{1,30}(?:\s+[>›»/|]\s+[\w&'’ .-]{1,30}){1,6}$")
_JOB = re.compile(r"\b(?:correspondent|reporter|editor|writer|journalist|columnist|contributor|staff|"
                  r"bureau chief|analyst|producer|commentator|presenter)\b", re.I)
_FURNITURE = re.compile(r"^(?:share(?: this(?: article| story)?)?|save|print|email|e-mail|tweet|copy link|"
                        r"reuse this content|most viewed|most shared|"
                        r"listen to (?:this )?article|skip to (?:main )?content|menu|search|home|"
                        r"follow(?: us)?(?: on \w+)?|\d+\s*(?:min|minute)s?(?:\s+read|\s+listen)?|show more|"
                        r"share on (?:facebook|x|twitter|linkedin|whatsapp|email)(?: share on \w+)*|"
                        r"\(?end\)?|-+\s*end\s*-+|.{0,60}\b(?:read(?:ing)? later|reading list|bookmark this)\b.{0,60}|"
                        r"click here.*|open in app|log ?in|sign in|register|accept cookies|cookie settings|"
                        r"back to top|top of page|trending|most read|most popular|next article|previous article)[.:!]?$",
                        re.I)
_DATE_PREFIX = re.compile(r"^(?P<kind>published|posted|updated|last updated|modified|date)\s*(?:on|at)?\s*[:\-–]?\s*", re.I)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?$")
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_TEXT_DATE = re.compile(
    rf"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    rf"\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{4}})"
    rf"(?:,?\s*(?:at\s+)?\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s*(?:[A-Z]{{2,4}}|[+-]\d{{2}}:?\d{{2}}))?)?$",
    re.I,
)
_SECTION_WORDS = {
    "news", "world", "world news", "analysis", "opinion", "politics", "business", "economy", "sport",
    "sports", "culture", "science", "tech", "technology", "health", "asia", "europe", "africa",
    "americas", "middle east", "us", "uk", "international", "national", "local", "editorial",
    "features", "feature", "commentary", "comment", "interview", "breaking news", "latest",
    "latest news", "top stories", "asia-pacific", "asia pacific", "defence", "defense",
    "diplomacy", "markets", "lifestyle", "entertainment", "environment", "climate", "explainer",
    "in depth", "in-depth", "investigation", "investigations", "video", "podcast", "live",
    "blog", "blogs", "global", "region", "society", "security", "military", "war", "op-ed",
}
_STOP = {
    "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from",
    "is", "are", "was", "were", "be", "as", "its", "it", "this", "that", "how", "why", "what",
    "who", "after", "before", "over", "under", "between", "into", "amid", "about", "s",
}
_TERMINAL = re.compile(r"[.!?…]\s*[\"”’')\]]*$|[.!?…][\"”’')\]]+\s*$")
_BULLET = re.compile(r"^(?:[-–—•*·▪►]|\d{1,2}[.)])\s+")
_LANGUAGE_WORDS = {
    "english", "italian", "french", "german", "spanish", "russian", "arabic", "portuguese",
    "chinese", "japanese", "korean", "turkish", "persian", "greek", "polish", "hungarian",
    "international", "edition", "en", "it", "fr", "de", "es", "ru",
}


def _words(s: str) -> list[str]:
    return _WORD.findall(s)


def _norm_words(s: str) -> str:
    s = _repair_string(s)
    return " ".join(re.findall(r"\w+", s.lower()))


_DATE_VOCAB = re.compile(
    rf"^(?:{_MONTHS}|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?|"
    r"\d{1,4}(?:st|nd|rd|th)?|\d{1,2}[:.]\d{2}(?::\d{2})?|[ap]\.?m\.?|[A-Z]{2,5}|[+-]\d{2}:?\d{2}|"
    r"published|posted|updated|last|modified|on|at|ago|hours?|hrs?|minutes?|mins?|days?|weeks?|"
    r"yesterday|today|first|utc|gmt)$",
    re.I,
)


_DATE_SEP = re.compile(r"[\s,|/•·–—:-]+(?!\d{2}\b)|\s+")


def _date_words(s: str) -> Iterator[str]:
    """The non-empty pieces of ``_DATE_SEP.split(s)``, trailing dots dropped, one at a time."""
    pos = 0
    for m in _DATE_SEP.finditer(s):
        x = s[pos:m.start()].rstrip(".")
        if x:
            yield x
        pos = m.end()
    x = s[pos:].rstrip(".")
    if x:
        yield x


def _is_date_line(t: str) -> tuple[bool, str]:
    """(is a date line, kind) where kind is '' or 'updated'.

    A date line is a short line made only of date words: month and weekday names, numbers, clock
    times, time zones and "published/updated ... ago" — whatever order an outlet prints them in.
    """
    kind = ""
    m = _DATE_PREFIX.match(t)
    s = t
    if m:
        kind = "updated" if m.group("kind").lower() in ("updated", "last updated", "modified") else ""
        s = t[m.end():]
    s = s.strip().rstrip(".")
    if _ISO_DATE.match(s) or _TEXT_DATE.match(s):
        return True, kind
    # At most 12 words, every one a date word: read the words one at a time and stop at the
    # first that is not one (most lines are prose; splitting a whole paragraph costs more).
    n_toks = 0
    for x in _date_words(t.strip()):
        n_toks += 1
        if n_toks > 12 or not _DATE_VOCAB.match(x):
            return False, kind
    if not n_toks:
        return False, kind
    low = t.lower()
    has_month = re.search(rf"\b(?:{_MONTHS})\b", low) and re.search(r"\d", low)
    has_ago = re.search(r"\b\d+\s+(?:hours?|hrs?|minutes?|mins?|days?|weeks?)\s+ago\b", low)
    if has_month or has_ago:
        if re.match(r"^(?:updated|last updated|modified)\b", low):
            kind = "updated"
        return True, kind
    return False, kind


def _is_name_like(t: str) -> bool:
    toks = t.split()
    if not 2 <= len(toks) <= 4 or re.search(r"\d", t):
        return False
    for w in toks:
        if w.lower() in _STOP or not re.fullmatch(r"[A-Z][\w'’.-]*|[A-Z]\.", w) or w.isupper() and len(w) > 3:
            return False
    return True


def _is_prose(t: str) -> bool:
    n = len(_words(t))
    return bool(_TERMINAL.search(t)) and n >= 6 or n >= 40


def _pattern_role(t: str) -> str | None:
    """Roles that a line's own text decides, wherever it stands."""
    t = html.unescape(t)
    low = t.lower().strip()
    n = len(_words(t))
    if _RELATED_HEADER.match(low):
        return "related_link"
    if _TAG_HEADER.match(low):
        return "tag"
    if _URL.match(t):
        return "image_url" if _IMAGE.search(t) else "url"
    m = _URL_FIELD.match(t)
    if m:
        return "image_url" if _IMAGE.search(m.group("url")) else "url"
    if _JUNK.match(t) or ("@" in t and _JUNK_AT.search(t)):
        return "scrape_junk"
    is_date, kind = _is_date_line(t)
    if is_date:
        return "date_updated" if kind == "updated" else "date"
    if _NUMERIC_JUNK.match(t):
        return "scrape_junk"
    if _LOCALE.match(t):
        return "locale"
    if _AD.match(low):
        return "ad"
    if n <= 40 and _CONTACT.search(t):
        return "publisher"
    if n <= 25 and _NEWSLETTER.search(t):
        return "newsletter"
    if _COMMENTS.match(low):
        return "comments"
    if _RELATED.match(t):
        return "related_link"
    if n <= 15 and _FURNITURE.match(low):
        return "scrape_junk"
    if n <= 12 and _BYLINE.match(t) and not (n > 5 and _TERMINAL.search(t)):
        # "Written by Sally Rooney, the novel sold a million copies." is a sentence
        return "byline"
    if n <= 25 and _CREDIT.search(t) and (n <= 8 or not _CREDIT.search(t).group(0).lower().startswith("source")):
        return "byline"
    if n <= 12 and _BREADCRUMB.match(t) and re.search(r"\s[>›»]\s", t):
        return "section"
    if n <= 8 and _JOB.search(t) and not _TERMINAL.search(t):
        return "byline"
    if n <= 30 and _CAPTION.search(t):
        return "caption"
    m = re.match(r"^(tags?|topics?|keywords?)\s*:\s*", t, re.I)
    if m:
        return "keywords" if m.group(1).lower().startswith("key") else "tag"
    items = [x.strip() for x in t.split(",")]
    if len(items) >= 3 and all(0 < len(x.split()) <= 5 for x in items) and not _TERMINAL.search(t):
        letters = [c for c in t if c.isalpha()]
        upper = sum(c.isupper() for c in letters) / max(len(letters), 1)
        if upper > 0.8:
            return "tag"
        if upper < 0.05:
            return "keywords"
    if n <= 3 and low.rstrip(":") in _SECTION_WORDS:
        return "section"
    if n <= 4 and t == low and not _TERMINAL.search(t) and re.search(r"[a-z]", t):
        return "tag"
    return None


def _continues(texts: Sequence[str], numbers: Sequence[int] | None, i: int) -> bool:
    """Line ``i + 1`` continues line ``i`` (hard-wrapped prose: adjacent, starts in lower case)."""
    if numbers is None or i + 1 >= len(texts) or numbers[i + 1] != numbers[i] + 1:
        return False
    nxt = texts[i + 1]
    return bool(nxt[:1].islower()) and not _TERMINAL.search(texts[i])


def classify_lines(texts: Sequence[str], *, numbers: Sequence[int] | None = None) -> list[str]:
    """Give each non-blank line of one article a role from :data:`LINE_ROLES`.

    Rules are general (no outlet is special-cased): boilerplate is recognised by its own
    text; title, standfirst, headings and body by their position around the prose block.
    ``numbers`` (raw line numbers) lets hard-wrapped paragraphs be recognised as prose.
    """
    n = len(texts)
    roles: list[str | None] = [_pattern_role(t) for t in texts]
    pat = list(roles)
    # Hard-wrapped paragraphs: lines that continue one another are judged as one paragraph.
    group = list(range(n))
    for i in range(n - 1):
        if roles[i] is None and roles[i + 1] is None and _continues(texts, numbers, i):
            group[i + 1] = group[i]
    joined: dict[int, str] = {}
    for i in range(n):
        joined[group[i]] = f"{joined[group[i]]} {texts[i]}" if group[i] in joined else texts[i]
    prose = [roles[i] is None and _is_prose(joined[group[i]]) for i in range(n)]
    first_prose = next((i for i in range(n) if prose[i]), n)
    last_prose = max((i for i in range(n) if prose[i]), default=-1)

    # Title: the first headline-like free line before the prose; name-like lines before it
    # are authors (a scraped header often reads "Section / Author / 0 Comments / Title").
    title_i = None
    for i in range(first_prose):
        if roles[i] is not None:
            continue
        t = texts[i]
        nw = len(_words(t))
        if _is_name_like(t) and nw <= 3 and any(
            roles[j] is None and not _is_name_like(texts[j]) for j in range(i + 1, first_prose + 1 if first_prose < n else n)
        ):
            roles[i] = "author"
            continue
        if nw >= 2:
            title_i = i
            roles[i] = "title"
            break
        roles[i] = "section" if nw == 1 else "heading"

    # Bullet points right under the title are the standfirst (a "key points" box).
    if title_i is not None:
        j = title_i + 1
        while j < n and (roles[j] == "title_duplicate" or roles[j] is None and _BULLET.match(texts[j])):
            if roles[j] is None:
                roles[j] = "standfirst"
                prose[j] = False
            j += 1

    # Duplicated titles anywhere (og:title dumps, "Title | Outlet" repeats).
    if title_i is not None:
        tw = _norm_words(texts[title_i][_label_end(texts[title_i]):])  # without a "Title:" label
        for i in range(n):
            if i == title_i or roles[i] not in (None, "heading"):
                continue
            w = _norm_words(texts[i])
            if w and (w == tw or (len(tw) > 20 and w.startswith(tw)) or (len(w) > 20 and tw.startswith(w))):
                roles[i] = "title_duplicate"
                prose[i] = False

    # Standfirst: what sits between the title and the body.
    if title_i is not None:
        first_prose = next((i for i in range(n) if prose[i] and roles[i] is None), n)
        i = title_i + 1
        while i < n and i < first_prose:
            if roles[i] is None and _is_name_like(texts[i]) and len(_words(texts[i])) <= 3:
                roles[i] = "author"
            if roles[i] is None:
                t = texts[i]
                nw = len(_words(t))
                nxt = next((j for j in range(i + 1, n) if roles[j] != "title_duplicate"), None)
                gap_is_meta = nxt is not None and roles[nxt] is not None and nxt < first_prose
                if _BULLET.match(t) or nw >= 12 or gap_is_meta:
                    roles[i] = "standfirst"
            i += 1
        # A prose paragraph right after the title, cut off from the body by a block of
        # metadata lines, is the standfirst (teaser) rather than the article's first paragraph.
        if first_prose < n:
            between = [j for j in range(title_i + 1, first_prose) if roles[j] not in ("title_duplicate",)]
            if all(roles[j] is not None for j in between):
                k = first_prose + 1
                gap = 0
                while k < n and roles[k] is not None:
                    gap += 1
                    k += 1
                if gap >= 3 and k < n and any(prose[j] for j in range(k, n)):
                    roles[first_prose] = "standfirst"
                    prose[first_prose] = False
        first_prose = next((i for i in range(n) if prose[i] and roles[i] is None), n)
        last_prose = max((i for i in range(n) if prose[i] and roles[i] is None), default=-1)

    for i, t in enumerate(texts):
        if roles[i] is not None:
            continue
        nw = len(_words(t))
        if prose[i]:
            roles[i] = "body"
        elif first_prose <= i <= last_prose:
            # Inside the article: short unterminated lines are subheadings, long ones are
            # paragraphs whose final punctuation was lost; wrapped lines belong to a paragraph.
            if _continues(texts, numbers, i) or i and _continues(texts, numbers, i - 1) and roles[i - 1] == "body":
                roles[i] = "body"
            elif _BULLET.match(t) and nw >= 4:
                roles[i] = "body"
            else:
                roles[i] = "heading" if nw <= 20 else "body"
        elif i < first_prose:
            roles[i] = "heading" if nw >= 2 else "section"
        else:
            # After the article: name-like lines are authors, unless the article itself names
            # them (topic tags: "Aston Villa", "Premier League") or they sit among tags.
            if _is_name_like(t):
                repeated = sum(x == t for x in texts) > 1
                in_text = any(t.lower() in texts[j].lower() for j in range(n) if j != i and prose[j])
                near_tags = any(0 <= j < n and roles[j] == "tag" for j in (i - 1, i + 1))
                roles[i] = "tag" if in_text or near_tags and not repeated else "author"
            elif nw <= 4:
                roles[i] = "tag"
            else:
                roles[i] = "scrape_junk" if nw <= 20 else "body"
    for i in range(n):
        if group[i] != i and roles[group[i]] in ARTICLE_ROLES:
            roles[i] = roles[group[i]]
    # After the article, a block header ("Read more", "Explore more on these topics", a
    # newsletter or comments prompt) lends its role to the unmarked lines that follow it.
    block = None
    for i in range(max(last_prose + 1, 0), n):
        if pat[i] is not None:
            t = html.unescape(texts[i]).lower()
            block = pat[i] if (_RELATED_HEADER.match(t) or _TAG_HEADER.match(t)
                               or pat[i] in ("newsletter", "comments")) else None
            continue
        if block is not None and roles[i] not in ARTICLE_ROLES and len(_words(texts[i])) <= 25:
            roles[i] = block
            if block in ("newsletter", "comments"):
                block = None  # a prompt has one line of blurb, not a list
    # The page's own address comes before the article; addresses after it point elsewhere.
    body_start = next((i for i in range(n) if roles[i] == "body"), n)
    seen_url = False
    for i in range(n):
        if roles[i] == "url":
            if seen_url or i > body_start:
                roles[i] = "related_link"
            seen_url = True
    # Repeated time stamps: the same value again is still the date; a different one is an update.
    first_date = None
    for i in range(n):
        if roles[i] == "date":
            v = _norm_words(_DATE_PREFIX.sub("", texts[i]))
            if first_date is None:
                first_date = v
            elif v != first_date:
                roles[i] = "date_updated"
    return [r or "scrape_junk" for r in roles]


# --------------------------------------------------------------------------- repairs

# After a space, "quot" glued to a word is an artefact unless the word is quota/quote/quoth/quotient.
_QUOT_OPEN = re.compile(r"(?:(?<=\s)|^)quot(?=[A-Z0-9‘“\"']|[b-df-gj-z])")
_QUOT_CLOSE = re.compile(r"(?<=[a-z0-9.,!?])quot(?=$|[\s.,;:!?)])")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_GLUED_SENT = re.compile(r"(?<=[a-z0-9)\]][.!?])(?=[A-Z][a-z])|(?<=[.!?,][”\"’])(?=[A-Z])|(?<=[a-z][.!?])(?=[“])")
# The same places, matched on the mark just before each one: a pattern opening with lookbehinds
# gives sre nothing to skip to, so it tried all three at every character; one opening with a
# literal mark lets it jump from mark to mark. A match here ends where _GLUED_SENT matches.
_GLUED_MARK = re.compile(
    r"\.(?<=[a-z0-9)\]]\.)(?=[A-Z][a-z])|!(?<=[a-z0-9)\]]!)(?=[A-Z][a-z])|\?(?<=[a-z0-9)\]]\?)(?=[A-Z][a-z])"
    r"|”(?<=[.!?,]”)(?=[A-Z])|\"(?<=[.!?,]\")(?=[A-Z])|’(?<=[.!?,]’)(?=[A-Z])"
    r"|\.(?<=[a-z]\.)(?=“)|!(?<=[a-z]!)(?=“)|\?(?<=[a-z]\?)(?=“)")
_ODD_SPACE = re.compile(r"[\u00a0\u2007\u202f\u2009\u200a\u3000]")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def repair_edits(raw: str, start: int, end: int) -> list[Edit]:
    """Edits that undo common scraping damage inside ``raw[start:end]``.

    - HTML entities left as text (``&quot;``, ``&#8217;``) are decoded;
    - ``quot`` left where an entity's ``&`` and ``;`` were stripped becomes a quote mark
      (``Kim Jong Un quotStable ... Russiaquot``);
    - a sentence glued to the next one (``agreements.”Meeting``, ``said.At``) gets a space, so
      the sentence splitter and quote pairing see the boundary;
    - odd spaces become plain spaces; zero-width characters and soft hyphens are dropped.
    """
    seg = raw[start:end]
    edits: list[Edit] = []
    for m in _ENTITY.finditer(seg):
        rep = html.unescape(m.group(0))
        if rep != m.group(0):
            edits.append(Edit(start + m.start(), start + m.end(), rep, "html entity"))
    taken = [(e.start, e.end) for e in edits]

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for rx in (_QUOT_OPEN, _QUOT_CLOSE) if "quot" in seg else ():  # both match "quot"
        for m in rx.finditer(seg):
            a, b = start + m.start(), start + m.end()
            if free(a, b):
                edits.append(Edit(a, b, '"', "stripped &quot; entity"))
                taken.append((a, b))
    for m in _GLUED_MARK.finditer(seg):
        a = start + m.end()
        if free(a, a):
            edits.append(Edit(a, a, " ", "glued sentence"))
    for m in _ODD_SPACE.finditer(seg):
        a = start + m.start()
        if free(a, a + 1):
            edits.append(Edit(a, a + 1, " ", "odd space"))
    for m in _ZERO_WIDTH.finditer(seg):
        a = start + m.start()
        if free(a, a + 1):
            edits.append(Edit(a, a + 1, "", "zero-width"))
    return sorted(edits, key=lambda e: (e.start, e.end))


def _repair_string(s: str) -> str:
    return TextView.build(s, [(0, len(s))], edits=repair_edits(s, 0, len(s))).text


# --------------------------------------------------------------------------- articles


@dataclass
class Article:
    """One input file: its raw text, line roles, metadata and clean views of its text.

    ``view`` is the analysed text (title, standfirst, headings and body lines, repaired, one
    blank line between raw lines); ``view.span_to_raw`` maps any span of it to raw offsets.
    """

    doc_id: str
    path: str
    raw: str = ""
    lines: list[Line] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    view: TextView | None = None
    body_view: TextView | None = None
    sha1: str = ""
    analysable: bool = True
    encoding: str = ""  # what the bytes were decoded as; empty until they are

    @property
    def text(self) -> str:
        """The analysed clean text (empty when the file could not be read)."""
        return self.view.text if self.view is not None else ""


def _is_copyright(t: str) -> bool:
    return t.lstrip().lower().startswith(("©", "(c)", "copyright"))


def _outlet_from_publisher(t: str) -> str:
    m = re.search(r"(?:©|\(c\)|\bcopyright\b)\s*©?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*(?P<o>[A-Z][\w&.' -]{1,50}?)"
                  r"(?:\.\s|\.$|,|\s+all rights reserved|$)", t, re.I)
    if m and _is_copyright(t):
        return m.group("o").strip()
    m = _CONTACT.search(t)
    head = t[: m.start()] if m else t
    head = re.sub(r"\s*(?:©|\(c\)|copyright)\s*(?:\d{4})?\s*", " ", head, flags=re.I).strip(" -|,;:")
    words = head.split()
    return " ".join(words[:5]) if 0 < len(words) <= 5 else ""


_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{1,40}(?:,\s*[A-Z][\w.]*(?:\s[\w.]+){0,2})?\s*\((?P<agency>[A-Z][\w&. -]{1,25}?)\)"
                       r"\s*(?:-{1,2}|–|—)")
_AGENCY_WORDS = {"associated", "press", "reuters", "afp", "staff", "correspondent", "reporter", "writer", "editor",
                 "bloomberg", "news", "agency", "wire", "contributor", "ap", "upi", "tass", "xinhua", "yonhap"}


def _person_from_byline(s: str) -> str:
    """The first person of a byline ("RAJAN SHARMA Associated Press" -> "Rajan Sharma",
    "Jane Doe and John Smith" -> "Jane Doe", "Aoife Brennan, Technology Correspondent")."""
    name = re.split(r"\s*(?:,|;|\band\b|\||•|·|–|—| - )\s*", s.strip())[0]
    toks = name.split()
    if len(toks) >= 2 and toks[0].isupper() and toks[1].isupper():
        # Upper-case name followed by the agency in title case: keep the upper-case run.
        run = []
        for w in toks:
            if not w.isupper():
                break
            run.append(w)
        return " ".join(w.capitalize() if len(w) > 2 else w for w in run)
    kept = []
    for w in toks:
        if w.lower() in _AGENCY_WORDS and len(kept) >= 2:
            break
        kept.append(w)
    return " ".join(kept)


def _title_case(s: str) -> bool:
    """Every word capitalised, short joining words aside ("The Korea Herald", "Office for
    National Statistics"), at most six words: a name, not a sentence."""
    words = s.split()
    return 0 < len(words) <= 6 and all(w[:1].isupper() or w.lower() in ("and", "of", "for", "the", "&", "de")
                                        for w in words)


def _strip_edition(s: str) -> str:
    words = s.split()
    while len(words) > 1 and words[-1].lower() in _LANGUAGE_WORDS:
        words.pop()
    return " ".join(words)


def _clean_title(t: str, known_outlets: Sequence[str] = (), *, site: str = "") -> tuple[str, str]:
    """(title, outlet suffix) from a title line like ``Title | Outlet``.

    A ``|`` always separates the site name; a dash only when what follows is an outlet the page
    names elsewhere, since headlines use dashes themselves ("Kim – Putin summit").
    """
    t = _repair_string(t).strip()
    t = t[_label_end(t):]
    m = re.match(r"^(?P<title>.{15,}?)\s+[|]\s+(?P<outlet>[^|]{2,40})$", t)
    if m and len(m.group("outlet").split()) <= 4:
        return m.group("title").strip(), m.group("outlet").strip()
    m = re.match(r"^(?P<title>.{15,})\s+[–—-]\s+(?P<outlet>[^–—]{2,40})$", t)
    if m:
        suffix = m.group("outlet").strip()
        squashed = re.sub(r"[^a-z0-9]", "", re.sub(r"^the\s+", "", suffix.lower()))
        if _norm_words(suffix) in {_norm_words(o) for o in known_outlets} or (
            site and len(squashed) >= 3 and (squashed in site or site in squashed)
        ):
            return m.group("title").strip(), suffix
    return t, ""


def _label_end(t: str) -> int:
    """Where a title line's text starts after a "Title:" or "Headline:" label (0 without one)."""
    m = _TITLE_LABEL.match(t)
    return m.end() if m else 0


def _site_name(url: str) -> str:
    """``koreaherald`` from ``https://www.koreaherald.com/...`` (letters and digits only)."""
    m = re.match(r"^(?:https?://)?(?:www\d?\.|m\.|amp\.)?(?P<host>[^/:?#]+)", url, re.I)
    if not m:
        return ""
    parts = m.group("host").lower().split(".")
    core = parts[-3] if len(parts) >= 3 and parts[-2] in ("co", "com", "org", "net", "ac", "gov") else parts[-2] if len(parts) >= 2 else parts[0]
    return re.sub(r"[^a-z0-9]", "", core)


def _infer_meta(texts: Sequence[str], roles: Sequence[str]) -> dict:
    meta: dict = {"title": "", "outlet": "", "author": "", "url": "", "published_text": ""}
    by_role: dict[str, list[str]] = {}
    for t, r in zip(texts, roles):
        by_role.setdefault(r, []).append(t)
    outlets: list[str] = []
    # The site's own name beats a copyright line, which on a republished wire story names the
    # agency; the dateline's agency is the last resort.
    pubs = by_role.get("publisher", [])
    known = [_outlet_from_publisher(t) for t in pubs if not _is_copyright(t)]
    copyright_ = [_outlet_from_publisher(t) for t in pubs if _is_copyright(t)]
    for t in by_role.get("newsletter", []):
        # the name opens with a capital ("Subscribe to our newsletter" names no outlet)
        m = re.search(r"\bsubscribe to (?:the )?(?P<o>(?-i:[A-Z])[\w&.'’ -]{1,40}?)(?: newsletter)?[.!]?$", t, re.I)
        # a name, not "Our", "Our Daily" or "This" ("Subscribe To Our Newsletter")
        if m and m.group("o").split()[0].lower() not in ("our", "my", "your", "this", "their", "a", "daily",
                                                          "weekly", "free", "newsletter", "news"):
            known.append(m.group("o").strip())
    known = [k for k in known if k]
    site = _site_name(by_role.get("url", [""])[0]) if "url" in by_role else ""
    if "title" in by_role:
        title, suffix = _clean_title(by_role["title"][0], known, site=site)
        meta["title"] = title
        if suffix:
            outlets.append(suffix)
        tw = _norm_words(title)
        for dup in by_role.get("title_duplicate", []):
            d = _repair_string(dup)
            dw = _norm_words(d)
            # "Title: Quote" repeated with the outlet's name after it: the repeat keeps the
            # punctuation the stripped title lost, and its tail names the outlet.
            if dw.startswith(tw) and len(dw) > len(tw):
                words = d.split()
                k = len(title.split())
                tail = " ".join(words[k:]).strip(" |–—-:")
                head = " ".join(words[:k])
                if _norm_words(head) == tw:
                    meta["title"] = head
                if 0 < len(tail.split()) <= 4:
                    outlets.append(_strip_edition(tail))
            elif dw == tw and len(d) > len(title) and d.count('"') + d.count("“") > title.count('"'):
                meta["title"] = d
    outlets = [o for o in outlets + known + copyright_ if o]
    if not outlets:
        # A wire dateline names the agency that wrote the story: "FRANKFURT, March 6 (Reuters) -".
        first_body = next((t for t, r in zip(texts, roles) if r == "body"), "")
        m = _DATELINE.match(html.unescape(first_body))
        if m:
            outlets.append(m.group("agency"))
    if not outlets:
        # Last, a credit: "Source: Al Jazeera and news agencies", "Source: Mountain Herald" (a
        # name in capitals, named like an outlet or beside "news agencies": "Source: Office for
        # National Statistics" under a chart is not one), or a byline part named like an outlet
        # ("Staff reporter | Valley Gazette", "By Jane Doe • The Daily Star").
        for t in by_role.get("byline", []) + by_role.get("publisher", []):
            m = _SOURCE_FIELD.match(t)
            if m and _title_case(m.group("o")) and (m.group("agencies") or _OUTLET_WORD.search(m.group("o").strip())):
                outlets.append(m.group("o").strip())
        for t in by_role.get("byline", []):
            for x in re.split(r"\s[|•·]\s", t)[1:] if re.search(r"\s[|•·]\s", t) else []:
                x = x.strip(" .")
                if 2 <= len(x.split()) <= 5 and _title_case(x) and _OUTLET_WORD.search(x) and not _JOB.search(x):
                    outlets.append(x)
    if outlets:
        meta["outlet"] = outlets[0]
    authors = [t for t in by_role.get("author", [])]
    for t in by_role.get("byline", []):
        m = _BYLINE.match(t) or _CREDIT.match(t) and re.search(r"\bby\s+(?P<name>[A-Z][^;,|\d]{1,60})", t)
        if m:
            name = _person_from_byline(m.group("name"))
            if _BYLINE.match(t):
                authors.insert(0, name.strip())
            else:
                authors.append(name.strip())
        elif _JOB.search(t):
            # "Jane Doe Environment correspondent": the name is the first two capitalised words.
            head = t[: _JOB.search(t).start()].strip(" ,")
            words = head.split()
            if len(words) >= 2 and _is_name_like(" ".join(words[:2])):
                authors.append(" ".join(words[:2]))
    if authors:
        meta["author"] = Counter(authors).most_common(1)[0][0]
    if "url" in by_role:
        m = _URL_FIELD.match(by_role["url"][0])
        meta["url"] = m.group("url") if m else by_role["url"][0]
    dates = by_role.get("date", []) + by_role.get("date_updated", [])
    if dates:
        meta["published_text"] = dates[0]
    return meta


def parse_date(s: str) -> pd.Timestamp | None:
    """Parse an absolute date or timestamp string to UTC (``None`` when it is not one).

    Relative stamps ("2 hours ago", "yesterday") give ``None``: resolving them against the time
    of the build would invent a publication date.
    """
    s = _DATE_PREFIX.sub("", str(s or "").strip()).strip()
    if not s or re.search(r"\b(?:ago|today|yesterday|tomorrow|now)\b", s, re.I):
        return None
    if _ISO_DATE.match(s):
        try:
            ts = pd.Timestamp(s.replace("UTC", "+00:00").replace("GMT", "+00:00"))
        except (ValueError, TypeError):
            ts = None
        if ts is not None and not pd.isna(ts):
            return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    # dateparser knows time-zone abbreviations (EDT, BST) that pandas drops with a warning.
    s = re.sub(r"\b(\d{1,2})\.(\d{2})\b(?=\s*(?:[ap]\.?m\.?|[A-Z]{2,5})?\s*$)", r"\1:\2", s)
    try:
        import dateparser

        dt = dateparser.parse(s, languages=["en"], settings={
            "RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": "UTC", "TO_TIMEZONE": "UTC",
            "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year", "month"]})
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors on junk
        dt = None
    if dt is None:
        return None
    ts = pd.Timestamp(dt)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _published_from_url(url: str) -> pd.Timestamp | None:
    m = re.search(r"/(20\d{2}|19\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|-|$)", url)
    if not m:
        return None
    return parse_date("-".join(m.groups()))


def build_article(doc_id: str, path: str, data: bytes | None, *, max_bytes: int = MAX_BYTES) -> Article:
    """Read one file's bytes into an :class:`Article` (roles, metadata, clean views, problems)."""
    art = Article(doc_id=doc_id, path=path)
    if data is None:
        art.problems.append("file missing")
        art.analysable = False
        return art
    art.sha1 = hashlib.sha1(data).hexdigest()
    if len(data) > max_bytes:
        art.problems.append(f"very large file: {len(data):,} bytes > limit {max_bytes:,}; not analysed")
        art.analysable = False
        return art
    if not data.strip():
        art.problems.append("empty file" if not data else "blank file: only whitespace")
        art.analysable = False
        art.raw, art.encoding = data.decode("utf-8", errors="replace"), "utf-8"
        return art
    if _looks_binary(data):
        art.problems.append("binary file: not text; not analysed")
        art.analysable = False
        return art
    raw, art.encoding, problems = decode(data)
    art.problems.extend(problems)
    if "\ufffd" in raw:
        art.problems.append(f"undecodable bytes: {raw.count(chr(0xFFFD))} replacement characters")
    art.raw = raw
    art.lines = split_lines(raw)
    art.roles = classify_lines([ln.text for ln in art.lines], numbers=[ln.line for ln in art.lines])
    art.meta = _infer_meta([ln.text for ln in art.lines], art.roles)
    kept = [(k, ln) for k, (ln, r) in enumerate(zip(art.lines, art.roles)) if r in ARTICLE_ROLES]
    texts = [ln.text for ln in art.lines]
    nums = [ln.line for ln in art.lines]
    # A hard-wrapped paragraph is rejoined with a space, so no sentence break is forced inside it.
    seps = ["" if j == 0 else " " if _continues(texts, nums, kept[j - 1][0]) and kept[j - 1][0] == k - 1 else "\n\n"
            for j, (k, _) in enumerate(kept)]
    # a "Title:" label is not part of the title the stages read
    pieces = [(ln.start + (_label_end(ln.text) if art.roles[k] == "title" else 0), ln.end) for k, ln in kept]
    edits = [e for a, b in pieces for e in repair_edits(raw, a, b)]
    art.view = TextView.build(raw, pieces, edits=edits, seps=seps)
    body_idx = [j for j, (k, _) in enumerate(kept) if art.roles[k] != "title"]
    art.body_view = TextView.build(raw, [pieces[j] for j in body_idx], edits=edits,
                                   seps=[seps[j] if m else "" for m, j in enumerate(body_idx)])
    if not pieces:
        art.problems.append("no article text found: every line looks like page furniture")
    return art


def _read_manifest(folder: Path) -> tuple[dict[str, dict], list[str]]:
    path = folder / "manifest.csv"
    if not path.exists():
        return {}, []
    problems: list[str] = []
    try:
        text, _ = decode_bytes(path.read_bytes())
        rows = list(csv.DictReader(io.StringIO(text)))
    except (OSError, csv.Error) as exc:
        return {}, [f"manifest.csv unreadable: {exc}"]
    if rows and "doc_id" not in rows[0]:
        return {}, ["manifest.csv has no doc_id column; ignored"]
    out: dict[str, dict] = {}
    for k, row in enumerate(rows, start=2):
        did = (row.get("doc_id") or "").strip()
        if not did:
            problems.append(f"manifest.csv line {k}: empty doc_id; row ignored")
            continue
        did = did[:-4] if did.endswith(".txt") else did
        out[did] = {c: (row.get(c) or "").strip() for c in MANIFEST_COLUMNS if (row.get(c) or "").strip()}
    return out, problems


@dataclass
class Corpus:
    """A read corpus: the ``documents`` and ``lines`` tables plus one :class:`Article` each."""

    folder: Path
    articles: list[Article]
    documents: pd.DataFrame
    lines: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def article(self, doc_id: str) -> Article:
        """The article with this ``doc_id``."""
        for a in self.articles:
            if a.doc_id == doc_id:
                return a
        raise KeyError(doc_id)


def list_inputs(folder: str | Path) -> tuple[list[Path], list[str]]:
    """The ``*.txt`` files of a corpus folder (sorted) and notes on what else is there."""
    folder = Path(folder)
    if not folder.exists():
        raise CorpusError(f"corpus folder not found: {folder}")
    if not folder.is_dir():
        raise CorpusError(f"not a folder: {folder} (give the folder that holds the .txt articles)")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
    # a set, not the list: a membership test per entry against a 20,000-file list took 48 s
    listed = set(files)
    other = sorted(p.name for p in folder.iterdir() if p.name != "manifest.csv" and p not in listed and not p.name.startswith("."))
    notes = [f"ignored (not a .txt article): {name}" for name in other]
    return files, notes


def apply_manifest(art: Article, row: dict | None) -> dict:
    """Final metadata for one article: manifest values override what the text says."""
    meta = dict(art.meta)
    published = None
    basis = "missing"
    if meta.get("published_text"):
        published = parse_date(meta["published_text"])
        basis = "text" if published is not None else "missing"
    if published is None and meta.get("url"):
        published = _published_from_url(meta["url"])
        basis = "text" if published is not None else "missing"
    row = row or {}
    for k in ("title", "outlet", "author", "url"):
        if row.get(k):
            meta[k] = row[k]
    if row.get("published"):
        ts = parse_date(row["published"])
        if ts is None:
            art.problems.append(f"manifest published {row['published']!r} is not a date; ignored")
        else:
            published, basis = ts, "manifest"
    meta["published"] = published
    meta["published_basis"] = basis
    meta["date_basis"] = row.get("date_basis", "")
    return meta


def read_corpus(folder: str | Path, *, max_bytes: int = MAX_BYTES) -> Corpus:
    """Read every ``*.txt`` file of ``folder`` (and ``manifest.csv``) into a :class:`Corpus`."""
    folder = Path(folder)
    files, notes = list_inputs(folder)
    manifest, mproblems = _read_manifest(folder)
    notes.extend(mproblems)
    articles = [read_article(p.stem, p, max_bytes=max_bytes) for p in files]
    seen = {a.doc_id for a in articles}
    articles += [read_article(did, None) for did in manifest if did not in seen]
    return assemble(folder, articles, manifest, notes)


def read_article(doc_id: str, path: str | Path | None, *, shown_path: str | None = None,
                 max_bytes: int = MAX_BYTES) -> Article:
    """Read one input file into an :class:`Article`; ``path=None`` is a manifest row whose file
    is missing. An unreadable file is an Article with its problem, never an exception."""
    if path is None:
        art = build_article(doc_id, "", None)
        art.problems[-1] = "listed in manifest.csv but the file is missing"
        return art
    shown = str(path) if shown_path is None else shown_path
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return Article(doc_id=doc_id, path=shown, problems=[f"unreadable: {exc.strerror or exc}"], analysable=False)
    return build_article(doc_id, shown, data, max_bytes=max_bytes)


#: Columns of the ``documents`` and ``lines`` tables, in order.
DOCUMENT_COLUMNS = ["doc_id", "path", "title", "outlet", "author", "url", "published", "published_basis",
                    "date_basis", "text", "n_words", "n_lines", "n_article_lines", "encoding", "sha1", "problems"]
LINE_COLUMNS = ["doc_id", "line", "start_char", "end_char", "role", "text"]


def article_rows(art: Article, manifest_row: dict | None) -> tuple[dict, list[dict]]:
    """One article's ``documents`` row and ``lines`` rows (manifest values applied; a bad
    manifest value is added to ``art.problems``, so call this once per article)."""
    meta = apply_manifest(art, manifest_row)
    body = art.body_view.text if art.body_view is not None else ""
    doc = {
        "doc_id": art.doc_id,
        "path": art.path,
        "title": meta.get("title", ""),
        "outlet": meta.get("outlet", ""),
        "author": meta.get("author", ""),
        "url": meta.get("url", ""),
        "published": meta["published"],
        "published_basis": meta["published_basis"],
        "date_basis": meta.get("date_basis", ""),
        "text": body,
        "n_words": len(body.split()),
        "n_lines": len(art.lines),
        "n_article_lines": sum(r in ARTICLE_ROLES for r in art.roles),
        "encoding": art.encoding,
        "sha1": art.sha1,
        "problems": list(art.problems),
    }
    lines = [{"doc_id": art.doc_id, "line": ln.line, "start_char": ln.start, "end_char": ln.end,
              "role": role, "text": ln.text} for ln, role in zip(art.lines, art.roles)]
    return doc, lines


def documents_frame(rows: list[dict]) -> pd.DataFrame:
    """The ``documents`` table of some :func:`article_rows` document rows."""
    documents = pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)
    documents["published"] = pd.to_datetime(documents["published"], utc=True)
    return documents


def lines_frame(rows: list[dict]) -> pd.DataFrame:
    """The ``lines`` table of some :func:`article_rows` line rows."""
    lines = pd.DataFrame(rows, columns=LINE_COLUMNS)
    return lines.astype({"line": "int64", "start_char": "int64", "end_char": "int64"})


def assemble(folder: Path, articles: list[Article], manifest: dict[str, dict], notes: list[str]) -> Corpus:
    """Build the ``documents`` and ``lines`` tables from read articles."""
    docs, lines = [], []
    for art in articles:
        doc, doc_lines = article_rows(art, manifest.get(art.doc_id))
        docs.append(doc)
        lines.extend(doc_lines)
    return Corpus(folder=Path(folder), articles=articles, documents=documents_frame(docs),
                  lines=lines_frame(lines), notes=notes)
