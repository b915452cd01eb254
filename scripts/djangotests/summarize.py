#!/usr/bin/python3
"""Summarize driver.py -json output as RESULTS.md (counts and the non-passing
cases with a category and a one-line reason).

Usage: summarize.py results.json > scripts/djangotests/RESULTS.md
"""
import json
import sys

# Cases whose category the driver cannot tell from tags and data flags.
KNOWN = {
    "test_urlize.FunctionTests.test_idn": (
        "older test file",
        "Django 6 (#36013) percent-encodes IDN hosts (http://c%E2%9C%B6.ws), as runnel does; the stored test expects punycode",
    ),
    "test_urlize.FunctionTests.test_brackets": (
        "older test file",
        "Django 6 validates the host name, so test[at[example.com is not linked, as in runnel; the stored test links it",
    ),
    "test_dictsort.FunctionTests.test_sort": (
        "harness",
        "the result is a list of dicts: runnel's text is compared with str() of Django's, and a Python dict's order is lost in map[string]any",
    ),
    "test_dictsortreversed.FunctionTests.test_sort": (
        "harness",
        "as test_dictsort.FunctionTests.test_sort",
    ),
    "test_firstof.FirstOfTagTests.test_all_false_arguments_asvar": (
        "harness",
        "reads the Context after rendering (as var); the bridge does not return it",
    ),
    "test_firstof.FirstOfTagTests.test_firstof15": (
        "harness",
        "reads the Context after rendering (as var); the bridge does not return it",
    ),
    "test_querystring.QueryStringTagTests.test_querystring_empty": (
        "older test file",
        "the stored test is Django 5.2's; Django 6.0 made {% querystring %} always start with '?', as runnel does",
    ),
    "test_custom.InclusionTagTests.test_15070_use_l10n": (
        "settings",
        "use_l10n context attribute; no Go stand-in",
    ),
    "test_custom.InclusionTagTests.test_inclusion_tags_from_template": (
        "harness",
        "no Go stand-ins for the *_from_template inclusion tags",
    ),
    "test_custom.InclusionTagTests.test_no_render_side_effect": (
        "Python internals",
        "inspects the compiled nodelist",
    ),
    "test_custom.InclusionTagTests.test_include_tag_missing_context": (
        "Go API",
        "Python registration check (takes_context needs a 'context' parameter); a Go function declares TagContext by type",
    ),
    "test_custom.InclusionTagTests.test_include_tag_missing_context_no_params": (
        "Go API",
        "Python registration check (takes_context); see above",
    ),
    "test_custom.SimpleTagTests.test_simple_tag_missing_context": (
        "Go API",
        "Python registration check (takes_context); see above",
    ),
    "test_custom.SimpleTagTests.test_simple_tag_missing_context_no_params": (
        "Go API",
        "Python registration check (takes_context); see above",
    ),
    "test_custom.SimpleTagTests.test_simple_tag_errors": (
        "Go API",
        "argument checks that need Python parameter names (unexpected keyword 'three', missing keyword-only 'kwarg'); the Go stand-ins take ...any and a kwargs map",
    ),
    "test_custom.InclusionTagTests.test_inclusion_tag_errors": (
        "Go API",
        "argument checks that need Python parameter names; as test_simple_tag_errors",
    ),
    "test_debug.DebugTests.test_modules": (
        "Python internals",
        "the dump of sys.modules: runnel has no Python modules (it writes {})",
    ),
    "test_url.UrlTagTests.test_url_namespace01": (
        "settings",
        "current_app from request.resolver_match: runnel's URLResolver gets no current app (documented)",
    ),
    "test_time.TimeTests.test_time02": (
        "settings",
        "T of a naive datetime is the name of TIME_ZONE (America/Chicago in Django's test settings)",
    ),
    "test_custom.TemplateTagLoadingTests.test_load_error": ("loaders/error classes", "Python import errors of tag libraries"),
    "test_custom.TemplateTagLoadingTests.test_load_error_egg": ("loaders/error classes", "Python eggs"),
    "test_custom.TemplateTagLoadingTests.test_load_working_egg": ("loaders/error classes", "Python eggs"),
}


def category(r):
    if r["case"] in KNOWN:
        return KNOWN[r["case"]]
    tags = r.get("tags") or []
    flags = r.get("flags") or []
    reason = r.get("reason", "")
    for t in ("translations", "settings", "clock"):
        if t in tags:
            return t, reason
    if "tuple" in flags:
        return "values: Tuple", reason
    if "naive" in flags or "date" in flags:
        return "values: naive/date", reason
    if "Decimal" in flags:
        return "values: Decimal", reason
    return "runnel bug?", reason


def main():
    results = json.load(open(sys.argv[1]))
    cases = [r for r in results if "configs" in r]
    other = [r for r in results if "configs" not in r]
    n = len(cases)
    passed = sum(r["status"] == "pass" for r in cases)
    unsup = [r for r in cases if r["status"] == "unsupported"]
    failed = [r for r in cases if r["status"] == "fail"]
    cats = {}
    for r in failed:
        c, _ = category(r)
        cats.setdefault(c, []).append(r)
    excluded = ("translations", "settings", "clock")
    measured = [
        r
        for r in cases
        if r["status"] != "unsupported"
        and not set(r.get("tags") or ()) & set(excluded)
        and category(r)[0] not in excluded
    ]
    out = []
    w = out.append
    w("# Django's template tests against runnel")
    w("")
    w("Produced by `scripts/djangotests/run.sh -json /tmp/djres.json` and")
    w("`summarize.py /tmp/djres.json`; see README.md. A case is one Django test")
    w("method; with @setup it runs in the default, string_if_invalid='INVALID' and")
    w("debug configurations and passes only if all pass.")
    w("")
    w("| | cases |")
    w("| --- | ---: |")
    w("| total | %d |" % n)
    w("| passed | %d |" % passed)
    w("| failed | %d |" % len(failed))
    w("| unsupported data | %d |" % len(unsup))
    w("")
    w("Failures by category:")
    w("")
    w("| category | cases |")
    w("| --- | ---: |")
    for c in sorted(cats, key=lambda c: -len(cats[c])):
        w("| %s | %d |" % (c, len(cats[c])))
    w("")
    w("Cases that need no translations, settings or clock and carry supported")
    w("data: %d, of which %d pass (%.1f%%)." % (len(measured), sum(r["status"] == "pass" for r in measured), 100.0 * sum(r["status"] == "pass" for r in measured) / max(1, len(measured))))
    w("")
    w("A failure filed under \"runnel bug?\" is one to look at; the others are")
    w("Go API differences (Python parameter names, registration checks), harness")
    w("limits, Python imports, or test files older than the Django 6 behaviour")
    w("runnel follows. The cases that need settings, translations or the clock")
    w("are not counted: the bridge runs them with Django's defaults.")
    w("")
    w("## Failing cases")
    for c in sorted(cats, key=lambda c: -len(cats[c])):
        w("")
        w("### %s" % c)
        w("")
        for r in sorted(cats[c], key=lambda r: r["case"]):
            _, why = category(r)
            w("- `%s`: %s" % (r["case"], why.replace("|", "/")[:160]))
    w("")
    w("## Unsupported data")
    w("")
    for r in sorted(unsup, key=lambda r: r["case"]):
        w("- `%s`: %s" % (r["case"], r.get("reason", "")[:120]))
    if other:
        w("")
        w("## Not run")
        w("")
        for r in other:
            w("- `%s`: %s %s" % (r["case"], r["status"], r.get("reason", "")[:120]))
    print("\n".join(out))


if __name__ == "__main__":
    main()
