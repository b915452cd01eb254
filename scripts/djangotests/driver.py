#!/usr/bin/python3
"""Run Django's own template tests against runnel.

Imports Django's test modules (tests/template_tests/syntax_tests and
filter_tests, fetched into DJTESTS, not committed), replaces the @setup
decorator of tests/template_tests/utils.py by one whose self.engine is a proxy
that sends every render to the Go bridge (djangobridge_test.go, built with
-tags djangobridge), and runs the test methods with their own assertions.

Usage: scripts/djangotests/run.sh [-v] [-k SUBSTRING] [-json OUT]
See README.md.
"""
import argparse
import datetime
import decimal
import functools
import glob
import importlib
import inspect
import json
import math
import os
import subprocess
import sys
import traceback

DJTESTS = os.environ.get("DJTESTS", "/tmp/djtests/tests")
BRIDGE = os.environ.get("DJBRIDGE", "/tmp/djbridge.test")

sys.path.insert(0, DJTESTS)

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(
    DEBUG=False,
    USE_TZ=False,
    USE_I18N=True,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "template_tests"],
    # template_tests/templatetags/inclusion.py loads a template when imported.
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [os.path.join(DJTESTS, "template_tests", "templates")],
        }
    ],
    ROOT_URLCONF="template_tests.urls",
)
django.setup()
# Django's test runner runs with the process's time zone set to TIME_ZONE
# (Settings does that when USE_TZ is off; settings.configure does not), and
# so does the bridge (its TZ).
os.environ["TZ"] = settings.TIME_ZONE
import time as _time  # noqa: E402

_time.tzset()

from django.template import (  # noqa: E402
    Context,
    TemplateDoesNotExist,
    TemplateSyntaxError,
    VariableDoesNotExist,
)
from django.http import HttpRequest, QueryDict  # noqa: E402
from django.urls import NoReverseMatch  # noqa: E402
from django.utils.functional import Promise  # noqa: E402
from django.utils.safestring import SafeData, mark_safe  # noqa: E402

import template_tests.utils as tutils  # noqa: E402


class Unsupported(Exception):
    """A context value the bridge cannot carry to Go."""


class BridgeError(
    TemplateSyntaxError,
    VariableDoesNotExist,
    TemplateDoesNotExist,
    TypeError,
    ValueError,
    KeyError,
    IndexError,
    ZeroDivisionError,
    RuntimeError,
    AttributeError,
    NoReverseMatch,
):
    """An error runnel returned. It is every exception class Django's tests
    expect, as runnel's error kinds are not what is measured here; kind and
    phase record what runnel said."""

    def __init__(self, msg, kind="", phase=""):
        Exception.__init__(self, msg)
        self.msg = msg
        self.kind = kind
        self.phase = phase
        self.params = ()
        self.tried = []
        self.backend = None
        self.chain = []

    def __str__(self):
        return self.msg


def reverse_for(r):
    """Django's reverse() of a {% url %} in the bridge, with the test's URL
    conf (ROOT_URLCONF, set by the test class's override_settings)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return {"url": reverse(r["name"], args=r["args"], kwargs=r["kwargs"])}
    except NoReverseMatch as e:
        return {"err": str(e)}
    except Exception as e:  # a resolver error of another kind
        return {"err": "%s: %s" % (type(e).__name__, e)}


class Bridge:
    def __init__(self):
        env = dict(os.environ, DJANGO_BRIDGE="1", TZ=settings.TIME_ZONE)
        self.p = subprocess.Popen(
            [BRIDGE, "-test.run", "^TestDjangoBridge$"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            bufsize=1,
        )

    def call(self, req):
        self.p.stdin.write(json.dumps(req) + "\n")
        self.p.stdin.flush()
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise RuntimeError("bridge died")
            if line.startswith("{"):
                msg = json.loads(line)
                if "reverse" in msg:
                    self.p.stdin.write(json.dumps(reverse_for(msg["reverse"])) + "\n")
                    self.p.stdin.flush()
                    continue
                return msg


BRIDGE_PROC = None
FLAGS = set()  # value kinds a case's data used (tuple, naive, date, ...)
ERRORS = []  # errors runnel returned during a case


def encode(v):
    if isinstance(v, SafeData) and isinstance(v, str):
        return {"$safe": str(v)}
    if isinstance(v, Promise):
        raise Unsupported("lazy object")
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isinf(v) or math.isnan(v):
            return {"$float": repr(v)}
        return v
    if isinstance(v, decimal.Decimal):
        FLAGS.add("Decimal")
        return {"$decimal": str(v)}
    if type(v) is str:
        return v
    if isinstance(v, str):
        raise Unsupported("str subclass %s" % type(v).__name__)
    if isinstance(v, tuple):
        FLAGS.add("tuple")
        return {"$tuple": [encode(x) for x in v]}
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, dict):
        if all(type(k) is str and not k.startswith("$") for k in v):
            return {k: encode(x) for k, x in v.items()}
        FLAGS.add("nonstr-keys")
        return {"$map": [[encode(k), encode(x)] for k, x in v.items()]}
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            FLAGS.add("naive")
            return {"$naive": v.isoformat()}
        return {"$datetime": [v.isoformat(), v.tzname() or ""]}
    if isinstance(v, datetime.date):
        FLAGS.add("date")
        return {"$date": v.isoformat()}
    if isinstance(v, datetime.time) and v.tzinfo is None:
        FLAGS.add("time")
        return {"$time": [v.hour, v.minute, v.second, v.microsecond]}
    if isinstance(v, HttpRequest):
        return {"$request": v.get_full_path()}
    if isinstance(v, QueryDict):
        return {"$querydict": v.urlencode()}
    if isinstance(v, ProxyTemplate):
        if v.src is None:
            raise Unsupported("Template from get_template in context")
        return {"$template": v.src}
    if type(v).__module__ == "template_tests.utils":
        return {"$obj": type(v).__name__}
    raise Unsupported(type(v).__name__)


def raise_for(err):
    msg = err["msg"]
    ERRORS.append(err)
    for name in ("SomeOtherException", "ShouldNotExecuteException"):
        if name in msg:
            raise getattr(tutils, name)(msg)
    raise BridgeError(msg, err["kind"], err["phase"])


class ProxyTemplate:
    def __init__(self, engine, name=None, src=None):
        self.engine = engine
        self.name = name
        self.src = src

    def render(self, context=None):
        autoescape = True
        if context is None:
            data = {}
        elif isinstance(context, Context):
            data = context.flatten()
            autoescape = context.autoescape
            if getattr(context, "request", None) is not None:
                data["request"] = context.request
        else:
            data = dict(context)
        return self.engine._render(self.name, self.src, data, autoescape)


class ProxyEngine:
    def __init__(self, templates, string_if_invalid="", debug=False, libraries=None):
        self.templates = templates
        self.string_if_invalid = string_if_invalid
        self.debug = debug
        self.libraries = libraries or {}

    def _req(self, **kw):
        req = {
            "templates": self.templates,
            "invalid": self.string_if_invalid,
            "libraries": sorted(self.libraries),
        }
        req.update(kw)
        return req

    def _render(self, name, src, data, autoescape=True):
        ctx = {k: encode(v) for k, v in data.items()}
        if src is not None:
            req = self._req(op="string", src=src, context=ctx)
        else:
            req = self._req(op="render", name=name, context=ctx)
        if not autoescape:
            req["autoescape"] = False
        from django.conf import settings as djsettings
        if getattr(djsettings, "ROOT_URLCONF", None):
            req["urlconf"] = True
        # The settings runnel has options for (TIME_ZONE is the bridge
        # process's TZ, as Django sets the process's when USE_TZ is off).
        req["settings"] = {
            "DEBUG": bool(djsettings.DEBUG),
            "STATIC_URL": djsettings.STATIC_URL or "",
            "MEDIA_URL": djsettings.MEDIA_URL or "",
        }
        # The active language (translation.override): runnel formats
        # dates and numbers with its formats; there are no catalogs.
        from django.utils import translation
        lang = translation.get_language()
        if lang is None:
            req["language"] = None
        elif lang != "en-us":
            req["language"] = lang
        resp = BRIDGE_PROC.call(req)
        if resp.get("err"):
            raise_for(resp["err"])
        return resp["out"]

    def render_to_string(self, template_name, context=None):
        if isinstance(template_name, (list, tuple)):
            raise Unsupported("template name list")
        return ProxyTemplate(self, name=template_name).render(context or {})

    def get_template(self, template_name):
        resp = BRIDGE_PROC.call(self._req(op="compile", name=template_name))
        if resp.get("err"):
            raise_for(resp["err"])
        return ProxyTemplate(self, name=template_name)

    def from_string(self, src):
        resp = BRIDGE_PROC.call(self._req(op="string", src=src, context={}))
        if resp.get("err") and resp["err"]["phase"] == "compile":
            raise_for(resp["err"])
        return ProxyTemplate(self, src=src)

    def __getattr__(self, name):
        raise Unsupported("engine." + name)


CONFIGS = {
    "default": dict(string_if_invalid="", debug=False),
    "INVALID": dict(string_if_invalid="INVALID", debug=False),
    "debug": dict(string_if_invalid="", debug=True),
}
CURRENT = ["default"]


def setup(templates, *args, test_once=False, debug_only=False, **kw):
    for arg in args:
        templates.update(arg)
    templates["inclusion.html"] = "{{ result }}"

    def decorator(func):
        @functools.wraps(func)
        def inner(self):
            libraries = getattr(self, "libraries", {})
            self.engine = ProxyEngine(templates, libraries=libraries, **CONFIGS[CURRENT[0]])
            func(self)

        inner._djsetup = (templates, func, debug_only)
        return inner

    return decorator


tutils.setup = setup


def app_templates():
    """template_tests/templates, the app directory of Engine(app_dirs=True)."""
    root = os.path.join(DJTESTS, "template_tests", "templates")
    out = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            path = os.path.join(dirpath, n)
            try:
                with open(path, encoding="utf-8") as fh:
                    out[os.path.relpath(path, root)] = fh.read()
            except UnicodeDecodeError:
                pass
    return out


def engine_factory(dirs=None, app_dirs=False, libraries=None, string_if_invalid="", debug=False, **kw):
    """Stands in for django.template.Engine in modules that build engines
    themselves (test_custom.py)."""
    if kw.get("loaders") or kw.get("builtins"):
        raise Unsupported("Engine(loaders/builtins)")
    templates = app_templates() if (app_dirs or dirs) else {}
    return ProxyEngine(templates, string_if_invalid, debug, libraries or {})


def filter_names():
    """Django's builtin filter functions, by function: their filter name."""
    from django.template import defaultfilters

    return {id(f): name for name, f in defaultfilters.register.filters.items()}


FILTER_NAMES = filter_names()
FUNC_CALLS = [0]  # filter calls made through the bridge in a function test


def filter_proxy(name, func):
    """Stands in for a filter function called directly by FunctionTests: the
    call is rendered as {{ v|name:a }} by runnel. A filter that takes
    autoescape renders with autoescape as the call says (True by default),
    the others with autoescape off, as a direct call does not escape. When
    Django's function returns something other than text, runnel's output is
    compared with str() of what Django's (installed) function returns."""
    needs_ae = getattr(func, "needs_autoescape", False)

    @functools.wraps(func)
    def call(value, *args, **kw):
        FUNC_CALLS[0] += 1
        autoescape = kw.pop("autoescape", True) if needs_ae else False
        if kw or len(args) > 1:
            raise Unsupported("filter call with %r %r" % (args, kw))
        ctx = {"v": value}
        src = "{{ v|%s }}" % name
        if args:
            ctx["a"] = args[0]
            src = "{{ v|%s:a }}" % name
        eng = ProxyEngine({}, libraries={})
        out = ProxyTemplate(eng, src=src).render(Context(ctx, autoescape=autoescape))
        try:
            real = func(value, *args, **({"autoescape": autoescape} if needs_ae else {}))
        except Exception:
            return out
        if isinstance(real, str):
            return mark_safe(out) if isinstance(real, SafeData) else out
        return real if str(real) == out else out

    return call


def patch_filters(m):
    n = 0
    for attr, v in list(vars(m).items()):
        if callable(v) and id(v) in FILTER_NAMES:
            setattr(m, attr, filter_proxy(FILTER_NAMES[id(v)], v))
            n += 1
    return n


# Modules that make their own Engine: every test method runs once, with
# django.template.Engine replaced.
ENGINE_MODULES = ["template_tests.test_custom"]


def categorize(src, templates, mod):
    """Reasons a case is outside what is measured (translations, settings,
    clock), from its module, source and templates."""
    text = src + "\n".join(str(t) for t in templates.values())
    tags = []
    if ".i18n." in mod or any(
        w in text
        for w in (
            "{% trans",
            "{% translate",
            "blocktrans",
            "get_current_language",
            "get_available_languages",
            "get_language_info",
            "language ",
            "translation.",
            "gettext",
            "{% load i18n",
            "_(",
        )
    ):
        tags.append("translations")
    if "override_settings" in src or "settings." in src or "{% load static" in text or "{% static" in text:
        tags.append("settings")
    if any(
        w in text
        for w in ("{% now", "datetime.now", "date.today", "timezone.now", "timesince", "timeuntil", "timezone")
    ):
        tags.append("clock")
    return tags


def main():
    global BRIDGE_PROC
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("-json", default="")
    a = ap.parse_args()
    BRIDGE_PROC = Bridge()
    files = sorted(
        glob.glob(os.path.join(DJTESTS, "template_tests/syntax_tests/**/test_*.py"), recursive=True)
        + glob.glob(os.path.join(DJTESTS, "template_tests/filter_tests/test_*.py"))
    )
    results = []
    mods = [os.path.relpath(f, DJTESTS)[:-3].replace("/", ".") for f in files] + ENGINE_MODULES
    for mod in mods:
        own_engine = mod in ENGINE_MODULES
        try:
            m = importlib.import_module(mod)
        except Exception as e:
            results.append(dict(case=mod, status="import-error", reason=repr(e)[:200]))
            continue
        if own_engine:
            m.Engine = engine_factory
        func_module = ".filter_tests." in mod and patch_filters(m) > 0
        for cname, cls in sorted(vars(m).items()):
            if not (inspect.isclass(cls) and cls.__module__ == mod):
                continue
            try:
                cls.setUpClass()
            except Exception as e:
                results.append(dict(case=mod + "." + cname, status="setupclass-error", reason=repr(e)[:200]))
                continue
            for name in sorted(dir(cls)):
                if not name.startswith("test"):
                    continue
                meth = getattr(cls, name)
                info = getattr(meth, "_djsetup", None)
                if info is None and (own_engine or func_module) and callable(meth):
                    info = ({}, meth, True)
                    own = True
                else:
                    own = own_engine
                if info is None:
                    continue
                case = "%s.%s.%s" % (mod.split(".")[-1], cname, name)
                if a.k and a.k not in case:
                    continue
                templates, func, debug_only = info
                try:
                    src = inspect.getsource(func)
                except Exception:
                    src = ""
                tags = categorize(src, templates, mod)
                if getattr(cls, "_overridden_settings", None) and "settings" not in tags:
                    tags.append("settings")
                rec = dict(case=case, tags=tags, configs={})
                confs = ["debug"] if debug_only else ["default", "INVALID", "debug"]
                if own:
                    confs = ["default"]
                for conf in confs:
                    CURRENT[0] = conf
                    FLAGS.clear()
                    FUNC_CALLS[0] = 0
                    del ERRORS[:]
                    try:
                        t = cls(name)
                    except Exception:
                        t = cls()
                    try:
                        if own_engine and cname in ("TagTestCase",):
                            raise Unsupported("base class")
                        if "numpy" in mod:
                            raise Unsupported("numpy")
                        t.setUp()
                        try:
                            getattr(t, name)()
                        finally:
                            t.tearDown()
                            BRIDGE_PROC.call({"op": "reset"})
                        st, why = "pass", ""
                        if own and func_module and FUNC_CALLS[0] == 0:
                            st, why = "unsupported", "no filter call through the bridge"
                    except Unsupported as e:
                        st, why = "unsupported", str(e)
                    except AssertionError as e:
                        st, why = "fail", str(e).replace("\n", " ")[:300]
                    except Exception as e:
                        st, why = "error", ("%s: %s" % (type(e).__name__, e)).replace("\n", " ")[:300]
                        if a.v:
                            traceback.print_exc()
                    if ERRORS and st != "pass":
                        why += " | runnel errors: " + "; ".join(
                            "%s/%s: %s" % (x["phase"], x["kind"], x["msg"][:120]) for x in ERRORS[:3]
                        )
                    rec["configs"][conf] = dict(status=st, reason=why, flags=sorted(FLAGS))
                sts = [c["status"] for c in rec["configs"].values()]
                if all(s == "pass" for s in sts):
                    rec["status"] = "pass"
                elif "unsupported" in sts and not any(s in ("fail", "error") for s in sts):
                    rec["status"] = "unsupported"
                else:
                    rec["status"] = "fail"
                bad = [(k, c) for k, c in rec["configs"].items() if c["status"] != "pass"]
                if bad:
                    rec["reason"] = "%s: %s" % (bad[0][0], bad[0][1]["reason"])
                    rec["flags"] = sorted({fl for _, c in bad for fl in c["flags"]})
                results.append(rec)
                if a.v and rec["status"] != "pass":
                    print(rec["status"].upper(), case, rec.get("tags"), rec.get("reason", "")[:400])
            try:
                cls.tearDownClass()
            except Exception:
                pass
    counts = {}
    per_conf = {}
    for r in results:
        for conf, c in r.get("configs", {}).items():
            k = "%s/%s" % (conf, c["status"])
            per_conf[k] = per_conf.get(k, 0) + 1
    for r in results:
        key = r["status"]
        if key == "fail":
            key = "fail(" + (",".join(r["tags"]) or "measured") + ")"
        counts[key] = counts.get(key, 0) + 1
    print(json.dumps(counts, indent=1, sort_keys=True))
    print("per engine configuration:", json.dumps(per_conf, sort_keys=True))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(results, fh, indent=1)


if __name__ == "__main__":
    main()
