"""The preview check of scripts/demo-page-check: does the demo page's WhatsApp preview hold what the
chosen traveller's trace says she was sent?

    demo-preview-check.py TRAVELLER TRACE_BEFORE PAGE TRACE_AFTER

TRACE_BEFORE and TRACE_AFTER are the page's /trace?ref=... for her booking (the ops Tracer), loaded just
before and just after PAGE. Passes (exit 0) when
  - every message the first trace shows ACCEPTED for her is a bubble of the preview, with the template
    and language of its request, and that language is hers (nl);
  - every bubble is a request of hers in the second trace (nothing in the preview she was not sent);
  - the preview's count says how many bubbles it shows;
  - among the accepted are her opt-in confirmation and her boarding pass, the pass shown as a PDF document.
Which other messages she gets is read from the trace, not assumed: under load a gate change can be
superseded before it is sent (N6), and the message budget (N12) can hold one back.
"""
import html
import re
import sys

REQUIRED = {"OPTIN_CONFIRMATION", "BOARDING_PASS"}


def her_trace(dom, who):
    """messageId -> (KIND, template, language) of her requests, and the ids with an ACCEPTED status."""
    m = re.search(r'<pre id="trace">(.*?)</pre>', dom, re.S)
    text = html.unescape(m.group(1)) if m else ""
    sections = re.split(r"^\$ appcare ops trace --traveller ", text, flags=re.M)
    mine = next((s for s in sections if s.startswith(who + "\n")), "")
    requests = {r[3]: r[:3] for r in re.findall(r" request (\w+) ([a-z_]+)/(\w+) .*?messageId=(\S+)", mine)}
    accepted = set(re.findall(r" status ACCEPTED\s+messageId=(\S+)", mine))
    return requests, accepted


def check(who, language, trace_before, page, trace_after):
    requests, accepted = her_trace(trace_before, who)
    requests_after, _ = her_trace(trace_after, who)
    problems = []
    m = re.search(r'<section id="preview" data-traveller="([^"]+)" data-messages="(\d+)"', page)
    if not m or m.group(1) != who:
        return ["the preview is not of " + who], []
    preview = page[m.start():]
    bubbles = re.findall(r'<div class="bubble" data-template="([a-z_]+)" data-language="(\w+)" '
                         r'data-message-id="([^"]*)">(.*?)</div></div>', preview, re.S)
    by_id = {b[2]: b for b in bubbles}
    if len(bubbles) != int(m.group(2)):
        problems.append("data-messages says %s, the preview shows %d bubbles" % (m.group(2), len(bubbles)))
    for mid in sorted(accepted):
        want, got = requests.get(mid), by_id.get(mid)
        if want is None:
            problems.append("ACCEPTED %s without its request in the trace" % mid)
        elif got is None:
            problems.append("ACCEPTED %s (%s) is not in the preview" % (mid, want[0]))
        elif (got[0], got[1]) != (want[1], want[2]) or got[1] != language:
            problems.append("%s: the preview shows %s/%s, the request was %s/%s" % (mid, got[0], got[1], want[1], want[2]))
    for b in bubbles:
        if b[2] not in requests_after:
            problems.append("preview bubble %s (%s) is no request of %s in the trace" % (b[2], b[0], who))
    kinds = {requests[mid][0] for mid in accepted if mid in requests}
    for kind in sorted(REQUIRED - kinds):
        problems.append("no %s accepted yet" % kind)
    for b in bubbles:
        if requests.get(b[2], ("",))[0] == "BOARDING_PASS" and not ('class="doc"' in b[3] and ".pdf" in b[3]):
            problems.append("the boarding pass %s is not shown as a PDF document" % b[2])
    return problems, [(b[0], b[2] in accepted) for b in bubbles]


def main(argv):
    who, before, page, after = argv[1], *[open(f, encoding="utf-8").read() for f in argv[2:5]]
    problems, bubbles = check(who, "nl", before, page, after)
    print("preview of %s: %d bubbles %s" % (who, len(bubbles), " ".join(t + ("" if a else "(not yet ACCEPTED)") for t, a in bubbles)))
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
