"""Planeo: a B2B project-planning SaaS vendor (trial, onboarding, seats, features, support, renewal).

Three years (2022-2024) of exports: the CRM's accounts, the product-usage log, the billing
system's events, the ticketing tool and the NPS tool. Planted: four personas, the use cases
accounts buy Planeo for (agencies, project planners, teams on site, software teams), seen in the
features they use and the platforms they use them on (the CRM segment, company size, is
independent of them); a leak at the "connect an
integration" onboarding step on mobile, churn at renewal driven by low seat use, few features
adopted in the first 30 days and many tickets, a failed data import as the moment of truth, a
weaker offshore support team, a wave of near-identical complaints during a calendar-sync outage,
and billing-error tickets answered within the SLA while customers chase for weeks. Accounts are
simulated in vectorised passes (one per contract term), never in a loop over accounts or events.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parcours.synth import support
from parcours.synth.common import (
    DAY_MS,
    HOUR_MS,
    MINUTE_MS,
    WHOLE,
    Calendar,
    Shard,
    ascii_slug,
    concat,
    digits,
    distinct,
    email_as_typed,
    fill_pattern,
    fit_company,
    format_time,
    increasing_ids,
    instant,
    positions,
    sigmoid,
    take,
    take_or_null,
)
from parcours.synth.text import EN, FR, SAAS, Bank
from parcours.synth.truth import (
    Company,
    Identities,
    joined,
    json_values,
    median,
    ratio,
    sample,
    tally,
)
from parcours.synth.writer import Block, Source

COMPANY = "Planeo"
TZ = "Europe/Paris"
START, DAYS = "2022-01-01", 1096
MONTHLY = {1: 1.1, 2: 1.1, 3: 1.15, 4: 1.0, 5: 1.0, 6: 0.95, 7: 0.75, 8: 0.55, 9: 1.15, 10: 1.15, 11: 1.05, 12: 0.7}
WEEKLY = (1.2, 1.2, 1.2, 1.15, 1.0, 0.3, 0.25)
YEAR_MS = 365 * DAY_MS
TRIAL_DAYS = 14

SEGMENTS = ("startup", "smb", "mid_market")
SEGMENT_SHARE = np.array([0.55, 0.35, 0.10])
SEATS_MEDIAN = np.array([3.0, 8.0, 25.0])
PLANS = ("starter", "business", "enterprise")
PRICE_PER_SEAT = np.array([96.0, 144.0, 216.0])  # EUR per seat per year
FEATURES = ("kanban", "gantt", "time_tracking", "reports", "calendar_sync", "automations", "client_portal",
            "invoicing", "api", "mobile_app")
#: The saas personas: what an account uses Planeo for, seen in the features it adopts (weights per feature,
#: in the order of FEATURES). The CRM segment (company size) is a separate attribute.
USE_CASES = ("client_services", "project_planning", "field_teams", "software_teams")
USE_CASE_SHARE = np.array([0.3, 0.3, 0.2, 0.2])
USE_CASE_POPULARITY = np.array([
    # kanban gantt time  reports cal  autom portal invoic api  mobile
    [2.0, 0.3, 60.0, 4.0, 0.3, 0.3, 20.0, 40.0, 0.1, 0.3],   # agencies and consultancies: time, invoices, clients
    [2.0, 60.0, 0.3, 20.0, 20.0, 1.0, 0.1, 0.1, 0.1, 0.3],   # project managers: schedules, calendars, reporting
    [20.0, 0.3, 1.0, 0.3, 2.0, 0.1, 0.1, 0.1, 0.1, 60.0],    # teams on site: the mobile app, boards
    [4.0, 1.0, 0.3, 1.0, 0.3, 40.0, 0.1, 0.1, 60.0, 0.3],    # software teams: the API, automations
])
#: How popular each feature is over all accounts (what the use cases add up to).
FEATURE_POPULARITY = USE_CASE_SHARE @ USE_CASE_POPULARITY
#: Signup platform (web, mobile, desktop) per use case: teams on site sign up on their phones.
USE_CASE_PLATFORM = np.array([[0.75, 0.15, 0.10], [0.70, 0.10, 0.20], [0.30, 0.65, 0.05], [0.65, 0.05, 0.30]])
#: Teammates' platform per use case: the chance of the web, then of the desktop app over the mobile one.
USE_CASE_USER_WEB = np.array([0.75, 0.75, 0.30, 0.60])
USE_CASE_USER_DESKTOP = np.array([0.67, 0.67, 0.15, 0.85])
PLATFORMS = ("web", "mobile", "desktop")
SIGNUP_PLATFORM = USE_CASE_SHARE @ USE_CASE_PLATFORM  # over all accounts
ONBOARDING = ("signup", "workspace_created", "users_invited", "integration_connected", "first_project_created")
#: Chance to reach each onboarding step from the previous one, per signup platform (the leak: mobile).
STEP_P = np.array([[1.0, 0.95, 0.80, 0.75, 0.85], [1.0, 0.93, 0.75, 0.30, 0.80], [1.0, 0.95, 0.80, 0.72, 0.85]])
USAGE_ACTIVITIES = list(ONBOARDING) + ["data_import_completed", "data_import_failed", "user_activated", "login",
                                       "feature_used"]
BILLING_ACTIVITIES = ["trial.started", "trial.expired", "subscription.created", "invoice.paid",
                      "invoice.payment_failed", "subscription.renewed", "subscription.cancelled"]
#: Churn at a renewal: logit = B0 + B_UTIL (seat use - 0.6) + B_FEAT (features in 30 days - 3)
#: + B_TICKETS (tickets in the term - 2) + B_IMPORT (import failed) + segment offset.
B0, B_UTIL, B_FEAT, B_TICKETS, B_IMPORT = -1.3, -4.0, -0.45, 0.5, 2.2
B_SEGMENT = np.array([0.3, 0.0, -0.5])

COUNTRIES = ("France", "Belgique", "Suisse", "United Kingdom", "Deutschland", "España")
COUNTRY_SHARE = np.array([0.55, 0.1, 0.08, 0.12, 0.08, 0.07])
REGION_OF_COUNTRY = ("France", "Benelux", "DACH", "UK & Ireland", "DACH", "Iberia")
TLD = (".fr", ".be", ".ch", ".co.uk", ".de", ".es")
PHONE_PATTERNS = (("+33 # ## ## ## ##", "0# ## ## ## ##"), ("+32 # ### ## ##",), ("+41 ## ### ## ##",),
                  ("+44 ## #### ####",), ("+49 ## ########",), ("+34 ## ### ## ##",))
PHONE_DIGITS = (9, 8, 9, 10, 10, 9)
PHONE_LEAD = (1, 2, 22, 20, 30, 91)  # leading digits of the national number
INDUSTRIES = ("agence", "architecture", "btp", "conseil", "evenementiel", "industrie", "logiciel", "sante")
NAME_A = ("Atelier", "Groupe", "Studio", "Agence", "Cabinet", "Maison", "Bureau", "Collectif", "Compagnie", "Lab")
NAME_B = ("Horizon", "Boreal", "Azur", "Nova", "Orion", "Cedre", "Lumen", "Alto", "Vega", "Sirius", "Opale",
          "Hexa", "Kairos", "Tandem", "Mistral", "Aurore", "Delta", "Zenith", "Iris", "Atlas")
NAME_C = ("Conseil", "Digital", "Architecture", "Logistique", "Ingenierie", "Events", "Design", "Solutions",
          "Partners", "Services", "Consulting", "Works")
FIRST = ("Camille", "Thomas", "Julie", "Nicolas", "Sarah", "Julien", "Laura", "Maxime", "Emma", "Lucas", "Chloe",
         "Hugo", "Lea", "Antoine", "Manon", "Paul", "Ines", "Louis", "Clara", "Arthur", "Anna", "Oliver", "Sophie",
         "James", "Lena", "Jonas", "Marta", "Pablo", "Lucia", "David", "Eva", "Noah", "Alice", "Tom", "Nina",
         "Leo", "Zoe", "Adam", "Mia", "Victor")
LAST = ("martin", "bernard", "dubois", "petit", "durand", "leroy", "moreau", "simon", "laurent", "lefevre", "michel",
        "garcia", "roux", "fournier", "girard", "bonnet", "dupont", "lambert", "fontaine", "rousseau", "smith",
        "jones", "taylor", "brown", "muller", "schmidt", "fischer", "weber", "lopez", "martinez", "sanchez",
        "janssens", "peeters", "maes", "meier", "keller", "huber", "wilson", "evans", "walker")
BILLING_LOCAL = ("billing", "compta", "factures", "finance", "accounts")
CSMS = ("Aline Roche", "Benoit Marchal", "Chiara Conti", "Daniel Weiss", "Elsa Morel")

TEAMS = [
    support.Team("support_paris", ("Claire M.", "Youssef B.", "Anne-Laure P.", "Romain D."), 0.4, 3.0, 16.0, 0.05,
                 0.25),
    support.Team("support_lisbon", ("Joao S.", "Marta C.", "Pedro A.", "Ines F."), 0.35, 4.0, 20.0, 0.06, 0.3),
    support.Team("support_offshore", ("T1-agent-07", "T1-agent-12", "T1-agent-15", "T1-agent-21", "T1-agent-33"),
                 0.25, 14.0, 60.0, 0.28, 1.2),
]
WEAK_TEAM = 2
CATEGORIES = ("bug", "how_to", "sso_login", "feature_request", "import_failure", "billing_error",
              "calendar_sync_outage", "cancellation")
CATEGORY_KIND = ("incident", "request", "incident", "request", "incident", "complaint", "complaint", "request")
ROUTINE = np.array([0.35, 0.4, 0.12, 0.13])  # bug, how_to, sso_login, feature_request
SUBJECTS = {
    0: ["Error 500 when opening a project", "Gantt view does not load", "Tasks disappear after refresh",
        "Bug: export to PDF is empty"],
    1: ["How do I set up recurring tasks?", "Comment partager un projet avec un client ?",
        "How to change a user role", "Question on time tracking reports"],
    2: ["Cannot log in with SSO", "SAML login loop", "Connexion SSO impossible"],
    3: ["Feature request: dark mode", "Feature request: Jira sync", "Demande : export Excel des plannings"],
    4: ["Import from CSV fails", "Import Trello échoue", "Data import stuck at 90%"],
    5: ["Invoice shows wrong number of seats", "Facture incorrecte : licences en trop", "We were billed twice",
        "Credit note still missing"],
    6: ["Calendar sync not working", "Calendar sync broken since this morning",
        "La synchro agenda ne fonctionne plus", "Sync Google Agenda en panne", "Outlook calendar not syncing"],
    7: ["Please cancel our subscription", "Résiliation de notre abonnement", "Cancel renewal"],
}
OUTAGE_START, OUTAGE_HOURS = "2024-03-12T08:30", 54
TERMS = 3
OFFICE_HOURS = [0] * 8 + [2, 4, 4, 3.5, 2.5, 3.5, 4, 3.5, 2.5, 1.5] + [0] * 6
WORK_HOURS = [.1, .05, .05, .05, .1, .3, 1, 2.5, 4, 4.5, 4.5, 3.5, 2.5, 4, 4.5, 4.5, 4, 3, 2, 1.2, .8, .6, .4, .2]

MALFORMED: dict[str, list[tuple[str, str | None, int]]] = {
    "crm_accounts": [("missing_identifier", None, 2), ("bad_timestamp", "created_at", 2), ("malformed_row", None, 2)],
    "product_usage": [("missing_identifier", None, 4), ("unknown_activity", "event", 4),
                      ("missing_value", "event", 3), ("bad_timestamp", "ts", 3), ("malformed_row", None, 3)],
    "subscriptions": [("malformed_row", None, 3), ("bad_timestamp", "created", 3), ("bad_type", "amount", 3),
                      ("missing_identifier", None, 2), ("unknown_activity", "type", 2)],
    "tickets": [("bad_timestamp", "occurred_at", 3), ("missing_identifier", None, 2), ("malformed_row", None, 2),
                ("missing_value", "action", 2)],
    "cases": [("missing_value", "ticket_id", 2), ("bad_timestamp", "opened_at", 2), ("malformed_row", None, 1)],
    "nps_responses": [("bad_type", "score", 3), ("bad_timestamp", "created", 2), ("missing_value", "survey", 2),
                      ("missing_identifier", None, 2)],
}
EVENT_SOURCES = ("product_usage", "subscriptions", "tickets")
DUPLICATE_SHARE = 0.003


def generate_company(events: int, rng: np.random.Generator, shard: Shard = WHOLE) -> Company:
    """Generate Planeo with about ``events`` event rows across its event sources.

    ``shard`` gives the identifier namespace when the company is one part of a larger one.
    """
    return fit_company(events, rng, lambda e, n, r: _generate(e, n, r, shard), per_unit=100.0, minimum=20,
                       name="saas")


def _generate(events: int, n: int, rng: np.random.Generator, shard: Shard) -> Company | None:
    cal = Calendar(START, DAYS, TZ, MONTHLY, WEEKLY, trend=0.8)
    end = cal.end_ms
    acc = _accounts(rng, cal, n)
    users = _users(rng, acc)
    feats = _features(rng, acc)
    terms = _terms(rng, cal, acc, users, feats)
    acc["active_end"], acc["churned"] = terms["active_end"], terms["churned"]
    _settle(acc, users, feats, end)
    tk = _tickets(rng, cal, acc, users, terms, feats, shard)
    res = support.simulate(rng, tk["opened"], tk["channel"], TEAMS, end, can_call=np.ones(tk["n"], bool),
                           forced_resolution=tk["forced"], first_response_scale=tk["frt_scale"],
                           extra_recontacts=tk["extra"], escalate=np.full(tk["n"], 0.1))
    structural = _structural_usage(rng, acc, users, feats, end)
    bill = _billing_rows(rng, acc, terms, end)
    n_bad = sum(c for name in EVENT_SOURCES for _, _, c in MALFORMED[name])
    n_dups = max(8, round(DUPLICATE_SHARE * events))
    budget = events - structural["n"] - bill["n"] - res.step_time.size - n_bad - n_dups
    if budget < 0.2 * events:
        return None
    usage = _usage(rng, acc, users, feats, structural, budget, end)
    ids = Identities(n)
    people = _identifiers(rng, acc, users, ids, shard)
    fb = _feedback(rng, cal, acc, users, feats, tk, res, end)
    sources = _sources(rng, cal, acc, users, people, usage, bill, tk, res, fb, ids, n_dups, shard)
    stats = _measure(acc, users, feats, terms, tk, res, fb, end)
    status = np.where(~acc["converted"], "trial_lost", np.where(acc["churned"], "churned", "active"))
    attrs = {
        "churned": json_values(pa.array(acc["churned"])),
        "status": json_values(pa.array(status)),
        "segment": json_values(take(list(SEGMENTS), acc["segment"])),
        "persona": json_values(take(list(USE_CASES), acc["use_case"])),
    }
    return Company(sources, ids, attrs, truths(stats), stats)


# ============================================================================ accounts and their lives

def _accounts(rng: np.random.Generator, cal: Calendar, n: int) -> dict[str, Any]:
    """Signups, onboarding funnel, data import and trial conversion, one row per account."""
    seg = rng.choice(len(SEGMENTS), size=n, p=SEGMENT_SHARE)
    # the use case comes from its own stream, so that the other draws keep their order
    use_case = rng.spawn(1)[0].choice(len(USE_CASES), size=n, p=USE_CASE_SHARE)
    country = rng.choice(len(COUNTRIES), size=n, p=COUNTRY_SHARE)
    day = cal.day_of(rng.random(n) * 0.97)
    t0 = cal.at(rng, day, WORK_HOURS)
    cdf = np.cumsum(USE_CASE_PLATFORM, axis=1)[use_case]
    platform = np.minimum((rng.random(n)[:, None] >= cdf).sum(axis=1), len(PLATFORMS) - 1)
    z = rng.standard_normal(n)  # engagement
    f = rng.standard_normal(n)  # friction (tickets)
    # onboarding funnel: each step reached with STEP_P[platform, step] once the previous one is
    reached = np.ones((n, len(ONBOARDING)), dtype=bool)
    step_t = np.zeros((n, len(ONBOARDING)), dtype=np.int64)
    step_t[:, 0] = t0
    gaps = [(2, 20 * 60), (10, 2 * 1440), (60, 5 * 1440), (10, 3 * 1440)]  # minutes
    for s in range(1, len(ONBOARDING)):
        p = STEP_P[platform, s] * np.clip(1 + 0.08 * z, 0.7, 1.15)
        reached[:, s] = reached[:, s - 1] & (rng.random(n) < np.minimum(p, 1.0))
        lo, hi = gaps[s - 1]
        wait = np.exp(rng.uniform(np.log(lo), np.log(hi), n)) * MINUTE_MS
        step_t[:, s] = step_t[:, s - 1] + wait.astype(np.int64)
    complete = reached[:, -1]
    # data import in the first weeks: the moment of truth
    tries = rng.random(n) < 0.55
    first_fails = tries & (rng.random(n) < np.where(seg == 2, 0.35, 0.25))
    import_t = t0 + (rng.uniform(0.5, 12, n) * DAY_MS).astype(np.int64)
    retry_ok = first_fails & (rng.random(n) < 0.4)
    retry_t = import_t + (rng.uniform(1, 6, n) * DAY_MS).astype(np.int64)
    import_failed = first_fails & ~retry_ok
    conv_p = sigmoid(-1.0 + 1.9 * complete + 0.5 * z + 0.6 * (seg == 2) - 1.4 * import_failed)
    converted = (rng.random(n) < conv_p) & (t0 + TRIAL_DAYS * DAY_MS < cal.end_ms)
    tc = t0 + TRIAL_DAYS * DAY_MS
    seats = np.exp(np.log(SEATS_MEDIAN[seg]) + 0.45 * rng.standard_normal(n))
    seats = np.maximum(np.round(seats), 2).astype(np.int64)
    return {"n": n, "segment": seg, "use_case": use_case, "country": country, "t0": t0, "platform": platform,
            "z": z, "f": f,
            "reached": reached, "step_t": step_t, "complete": complete, "import_tried": tries,
            "import_first_fails": first_fails, "import_t": import_t, "import_retry_ok": retry_ok,
            "import_retry_t": retry_t, "import_failed": import_failed, "converted": converted, "tc": tc,
            "seats": seats}


def _users(rng: np.random.Generator, acc: dict[str, Any]) -> dict[str, Any]:
    """Users of each account: the admin (signs up) and the invited teammates who activate."""
    n, z, seats = acc["n"], acc["z"], acc["seats"]
    invited_early = acc["reached"][:, 2]
    invite_t = np.where(invited_early, acc["step_t"][:, 2],
                        acc["tc"] + (rng.uniform(2, 30, n) * DAY_MS).astype(np.int64))
    invited = np.where(acc["converted"], np.minimum(seats - 1, np.round(seats * rng.uniform(0.6, 1.05, n))),
                       np.where(invited_early, rng.poisson(1.5, n), 0)).astype(np.int64)
    invited = np.maximum(invited, 0)
    per = 1 + invited
    acct = np.repeat(np.arange(n), per)
    pos = positions(per)
    act_p = sigmoid(0.7 + 1.4 * z)[acct]
    activated = (pos == 0) | (rng.random(acct.size) < act_p)
    act_t = np.where(pos == 0, acc["t0"][acct],
                     invite_t[acct] + (rng.uniform(0.05, 20, acct.size) * DAY_MS).astype(np.int64))
    # keep activated users only (the others never appear in any export)
    keep = activated
    acct, pos, act_t = acct[keep], pos[keep], act_t[keep]
    n_active = np.bincount(acct, minlength=n)
    uc = acc["use_case"][acct]
    platform = np.where(pos == 0, acc["platform"][acct],
                        np.where(rng.random(acct.size) < USE_CASE_USER_WEB[uc], 0,
                                 np.where(rng.random(acct.size) < USE_CASE_USER_DESKTOP[uc], 2, 1)))
    return {"account": acct, "pos": pos, "act_t": act_t, "platform": platform, "n_active": n_active,
            "invited": invited, "invite_t": invite_t, "n": int(acct.size),
            "util": n_active / seats, "start": np.cumsum(n_active) - n_active}


def _features(rng: np.random.Generator, acc: dict[str, Any]) -> dict[str, Any]:
    """Features adopted, with their first use: some in the first 30 days, more later for payers."""
    n, z = acc["n"], acc["z"]
    nf = len(FEATURES)
    k30 = rng.binomial(nf - 2, sigmoid(-0.4 + 1.2 * z + 0.6 * acc["complete"]))
    k30 = np.maximum(k30, acc["reached"][:, 1])  # a workspace opens on a feature: at least one gets used
    k_late = np.where(acc["converted"], rng.binomial(nf - k30, 0.2 * sigmoid(z)), 0)
    keys = np.log(USE_CASE_POPULARITY)[acc["use_case"]] + rng.gumbel(size=(n, nf))
    ranked = np.argsort(-keys, axis=1)
    total = k30 + k_late
    acct = np.repeat(np.arange(n), total)
    pos = positions(total)
    feature = ranked[acct, pos]
    early = pos < k30[acct]
    t = np.where(early, acc["t0"][acct] + (rng.uniform(0.2, 29.5, acct.size) * DAY_MS).astype(np.int64),
                 acc["tc"][acct] + (rng.uniform(20, 300, acct.size) * DAY_MS).astype(np.int64))
    # the first feature is the one the new workspace opens on, used within the hour
    opens = (pos == 0) & acc["reached"][acct, 1]
    t = np.where(opens, acc["step_t"][acct, 1] + (t % HOUR_MS), t)
    return {"account": acct, "feature": feature, "t": t, "early": early, "k30": k30, "n_adopted": total,
            "start": np.cumsum(total) - total}


def _terms(rng: np.random.Generator, cal: Calendar, acc: dict[str, Any], users: dict[str, Any],
           feats: dict[str, Any]) -> dict[str, Any]:
    """Contract terms of paying accounts, one vectorised pass per term: tickets, renewal or churn.

    At the end of each term the account churns with probability ``sigmoid(logit)`` where the
    logit adds the planted drivers (see :data:`B_UTIL` and friends).
    """
    n, end = acc["n"], cal.end_ms
    alive = np.nonzero(acc["converted"])[0]
    term_start = acc["tc"].copy()
    active_end = np.where(acc["converted"], end, acc["tc"] + (rng.uniform(0, 10, n) * DAY_MS).astype(np.int64))
    active_end = np.minimum(active_end, end)
    churned = np.zeros(n, dtype=bool)
    lam = 1.6 * np.exp(0.7 * acc["f"]) * np.array([1.0, 1.2, 1.6])[acc["segment"]]
    rows: dict[str, list[np.ndarray]] = {}
    for k in range(TERMS):
        if alive.size == 0:
            break
        s = term_start[alive]
        e = s + YEAR_MS
        n_tk = rng.poisson(lam[alive])
        n_err = rng.binomial(4, 0.05, alive.size)
        x = (B0 + B_UTIL * (users["util"][alive] - 0.6) + B_FEAT * (feats["k30"][alive] - 3)
             + B_TICKETS * (n_tk + n_err - 2) + B_IMPORT * acc["import_failed"][alive]
             + B_SEGMENT[acc["segment"][alive]])
        p = sigmoid(x)
        decided = e < end
        churn = decided & (rng.random(alive.size) < p)
        for key, v in (("account", alive), ("term", np.full(alive.size, k)), ("start", s), ("end", e),
                       ("tickets", n_tk), ("billing_errors", n_err), ("p_churn", p), ("decided", decided),
                       ("churn", churn)):
            rows.setdefault(key, []).append(v)
        churned[alive[churn]] = True
        active_end[alive[churn]] = e[churn]
        go = decided & ~churn
        term_start[alive[go]] = e[go]
        alive = alive[go]
    out = {k: np.concatenate(v) for k, v in rows.items()} if rows else {
        k: np.array([], dtype=np.int64) for k in ("account", "term", "start", "end", "tickets", "billing_errors",
                                                  "p_churn", "decided", "churn")}
    out.update(active_end=active_end, churned=churned)
    return out


def _settle(acc: dict[str, Any], users: dict[str, Any], feats: dict[str, Any], end: int) -> None:
    """Drop what would happen after an account stopped (or after the window): users, adoptions."""
    stop = np.minimum(acc["active_end"], end)
    keep = (users["pos"] == 0) | (users["act_t"] < stop[users["account"]] - HOUR_MS)
    for k in ("account", "pos", "act_t", "platform"):
        users[k] = users[k][keep]
    users["n"] = int(keep.sum())
    users["n_active"] = np.bincount(users["account"], minlength=acc["n"])
    users["start"] = np.cumsum(users["n_active"]) - users["n_active"]
    keep = feats["t"] < stop[feats["account"]] - HOUR_MS
    for k in ("account", "feature", "t", "early"):
        feats[k] = feats[k][keep]
    feats["n_adopted"] = np.bincount(feats["account"], minlength=acc["n"])
    feats["start"] = np.cumsum(feats["n_adopted"]) - feats["n_adopted"]
    feats["k30_observed"] = np.bincount(feats["account"][feats["early"]], minlength=acc["n"])


def _random_user(rng: np.random.Generator, users: dict[str, Any], account: np.ndarray,
                 admin_share: float) -> np.ndarray:
    """Index (into the users table) of a user of each account: the admin or any active user."""
    n_act = users["n_active"][account]
    pick = np.where(rng.random(account.size) < admin_share, 0, (rng.random(account.size) * n_act).astype(np.int64))
    return users["start"][account] + pick


def _tickets(rng: np.random.Generator, cal: Calendar, acc: dict[str, Any], users: dict[str, Any],
             terms: dict[str, Any], feats: dict[str, Any], shard: Shard) -> dict[str, Any]:
    """Tickets: routine ones per term, billing errors, failed imports, the outage wave, cancellations."""
    end = cal.end_ms
    stop = np.minimum(acc["active_end"], end)
    parts: list[dict[str, np.ndarray]] = []
    # routine tickets within each term (and a few during trials)
    ta = np.repeat(terms["account"], terms["tickets"])
    s = np.repeat(terms["start"], terms["tickets"])
    e = np.minimum(np.repeat(terms["end"], terms["tickets"]), stop[ta])
    parts.append({"account": ta,
                  "cat": np.searchsorted(np.cumsum(ROUTINE), rng.random(ta.size) * ROUTINE.sum()),
                  "opened": s + (rng.random(ta.size) * np.maximum(e - s, 0)).astype(np.int64)})
    tr = np.repeat(np.arange(acc["n"]), rng.poisson(0.3, acc["n"]))
    parts.append({"account": tr,
                  "cat": np.searchsorted(np.cumsum(ROUTINE), rng.random(tr.size) * ROUTINE.sum()),
                  "opened": acc["t0"][tr] + (rng.uniform(0.1, TRIAL_DAYS, tr.size) * DAY_MS).astype(np.int64)})
    # billing errors: answered within the SLA, solved when the credit note comes weeks later
    ba = np.repeat(terms["account"], terms["billing_errors"])
    q = rng.integers(0, 4, ba.size)
    opened = (np.repeat(terms["start"], terms["billing_errors"]) + q * 91 * DAY_MS
              + (rng.uniform(1, 8, ba.size) * DAY_MS).astype(np.int64))
    parts.append({"account": ba, "cat": np.full(ba.size, 5), "opened": opened,
                  "forced": opened + (rng.uniform(10, 28, ba.size) * DAY_MS).astype(np.int64),
                  "frt_scale": np.full(ba.size, 0.3), "extra": np.full(ba.size, 2.5)})
    # failed imports
    fa = np.nonzero(acc["import_first_fails"] & (rng.random(acc["n"]) < 0.7))[0]
    parts.append({"account": fa, "cat": np.full(fa.size, 4),
                  "opened": acc["import_t"][fa] + (rng.uniform(0.1, 2, fa.size) * DAY_MS).astype(np.int64)})
    # the calendar-sync outage: many near-identical complaints within two days
    o0 = instant(OUTAGE_START, TZ)
    o1 = o0 + OUTAGE_HOURS * HOUR_MS
    cal_sync = FEATURES.index("calendar_sync")
    uses = np.zeros(acc["n"], dtype=bool)
    uses[feats["account"][(feats["feature"] == cal_sync) & (feats["t"] < o0)]] = True
    eligible = np.nonzero(uses & (acc["t0"] < o0) & (stop > o1))[0]
    p = max(0.45, min(1.0, 30 / max(eligible.size, 1)))
    wa = eligible[rng.random(eligible.size) < p]
    opened = o0 + (rng.beta(1.2, 3.0, wa.size) * (o1 - o0)).astype(np.int64)
    parts.append({"account": wa, "cat": np.full(wa.size, 6), "opened": opened,
                  "forced": o1 + (rng.uniform(0, 6, wa.size) * HOUR_MS).astype(np.int64)})
    # cancellations announced before the end of the term
    ca = np.nonzero(acc["churned"] & (rng.random(acc["n"]) < 0.35))[0]
    parts.append({"account": ca, "cat": np.full(ca.size, 7),
                  "opened": acc["active_end"][ca] - (rng.uniform(5, 40, ca.size) * DAY_MS).astype(np.int64)})
    out: dict[str, Any] = {k: np.concatenate([p[k] for p in parts]) for k in ("account", "cat", "opened")}
    for key, dv in (("forced", 0), ("frt_scale", 1.0), ("extra", 0.0)):
        out[key] = np.concatenate([p.get(key, np.full(p["account"].size, dv)) for p in parts])
    keep = (out["opened"] < end - HOUR_MS) & (out["opened"] >= acc["t0"][out["account"]])
    idx = np.nonzero(keep)[0][np.argsort(out["opened"][keep], kind="stable")]
    out = {k: v[idx] for k, v in out.items()}
    n = out["account"].size
    r = rng.random(n)
    out["channel"] = np.where(r < 0.15, 0, np.where(r < 0.65, 1, 2))
    out["user"] = _random_user(rng, users, out["account"], 0.5)
    out["id"] = increasing_ids(rng, out["opened"], 120_000, shard)
    out["wave"] = out["cat"] == 6
    out["n"] = n
    return out


def _structural_usage(rng: np.random.Generator, acc: dict[str, Any], users: dict[str, Any],
                      feats: dict[str, Any], end: int) -> dict[str, Any]:
    """Product-usage rows that carry the story: onboarding steps, imports, activations, first uses."""
    admin = users["start"]
    parts = []
    for s, name in enumerate(ONBOARDING):
        a = np.nonzero(acc["reached"][:, s])[0]
        parts.append((a, admin[a], acc["step_t"][a, s], USAGE_ACTIVITIES.index(name), -1, acc["platform"][a], 0))
    a = np.nonzero(acc["import_first_fails"])[0]
    parts.append((a, admin[a], acc["import_t"][a], USAGE_ACTIVITIES.index("data_import_failed"), -1,
                  acc["platform"][a], 0))
    a = np.nonzero(acc["import_tried"] & ~acc["import_first_fails"])[0]
    parts.append((a, admin[a], acc["import_t"][a], USAGE_ACTIVITIES.index("data_import_completed"), -1,
                  acc["platform"][a], 0))
    a = np.nonzero(acc["import_retry_ok"])[0]
    parts.append((a, admin[a], acc["import_retry_t"][a], USAGE_ACTIVITIES.index("data_import_completed"), -1,
                  acc["platform"][a], 0))
    u = np.arange(users["n"])
    parts.append((users["account"], u, users["act_t"] + 30_000, USAGE_ACTIVITIES.index("user_activated"), -1,
                  users["platform"], 1))
    fa = feats["account"]
    fu = np.where(feats["early"], admin[fa], _random_user(rng, users, fa, 0.3))
    fu = np.where(users["act_t"][fu] < feats["t"], fu, admin[fa])
    parts.append((fa, fu, feats["t"], USAGE_ACTIVITIES.index("feature_used"), feats["feature"],
                  np.where(feats["feature"] == FEATURES.index("mobile_app"), 1, users["platform"][fu]), 1))
    out = {
        "account": np.concatenate([p[0] for p in parts]), "user": np.concatenate([p[1] for p in parts]),
        "t": np.concatenate([p[2] for p in parts]).astype(np.int64),
        "act": np.concatenate([np.full(len(p[0]), p[3]) for p in parts]),
        "feature": np.concatenate([np.broadcast_to(np.asarray(p[4]), p[0].shape) for p in parts]),
        "platform": np.concatenate([np.broadcast_to(np.asarray(p[5]), p[0].shape) for p in parts]),
        "stage": np.concatenate([np.full(len(p[0]), p[6]) for p in parts]),
    }
    stop = np.minimum(acc["active_end"], end)
    keep = out["t"] < stop[out["account"]]
    out = {k: v[keep] for k, v in out.items()}
    out["n"] = int(keep.sum())
    return out


def _usage(rng: np.random.Generator, acc: dict[str, Any], users: dict[str, Any], feats: dict[str, Any],
           structural: dict[str, Any], budget: int, end: int) -> dict[str, Any]:
    """All product-usage rows: the structural ones plus logins and feature uses filling the budget.

    Engaged accounts use the product more; in the last 90 days before a churn, usage drops to a
    third (a warning signal that health scores should catch).
    """
    stop = np.minimum(acc["active_end"], end)
    ua = users["account"]
    span = np.maximum(stop[ua] - users["act_t"], 0) / YEAR_MS
    w = np.exp(0.6 * acc["z"][ua]) * span * np.where(users["pos"] == 0, 2.0, 1.0)
    counts = rng.multinomial(budget, w / w.sum()) if w.sum() > 0 else np.zeros(ua.size, np.int64)
    u = np.repeat(np.arange(users["n"]), counts)
    a = ua[u]
    m = u.size
    # a feature use (of a feature adopted before, the core features of its use case more often) or a login
    n_ad = feats["n_adopted"][a]
    first, draw = feats["start"][a], rng.random(m)
    if feats["account"].size:  # one draw against the running sum of the weights of the account's features
        cum = np.cumsum(USE_CASE_POPULARITY[acc["use_case"][feats["account"]], feats["feature"]])
        base = np.where(first > 0, cum[np.maximum(first - 1, 0)], 0.0)
        total = cum[np.maximum(first + n_ad - 1, 0)] - base
        pick = np.clip(np.searchsorted(cum, base + draw * total, side="right"), first,
                       np.maximum(first + n_ad - 1, first))
        pick = np.minimum(pick, feats["account"].size - 1)
    else:
        pick = first
    is_feat = (rng.random(m) < 0.6) & (n_ad > 0)
    lo = users["act_t"][u] + 60_000
    if feats["account"].size:
        lo = np.where(is_feat, np.maximum(lo, feats["t"][pick] + 60_000), lo)
    hi = stop[a]
    is_feat &= lo < hi
    lo = np.where(is_feat, lo, users["act_t"][u] + 60_000)
    # the last 90 days before a churn carry a third of the usual density
    churn = acc["churned"][a]
    cut = np.maximum(hi - 90 * DAY_MS, lo)
    main, tail = (cut - lo).astype(float), (hi - cut) * 0.33
    in_tail = churn & (rng.random(m) * (main + tail) >= main)
    t_lo = np.where(in_tail, cut, lo)
    t_hi = np.where(in_tail, hi, np.where(churn, cut, hi))
    t = t_lo + (rng.random(m) * np.maximum(t_hi - t_lo, 1)).astype(np.int64)
    feature = np.where(is_feat, feats["feature"][pick] if feats["account"].size else -1, -1)
    platform = np.where(feature == FEATURES.index("mobile_app"), 1, users["platform"][u])
    act = np.where(is_feat, USAGE_ACTIVITIES.index("feature_used"), USAGE_ACTIVITIES.index("login"))
    out = {
        "account": np.concatenate([structural["account"], a]).astype(np.int32),
        "user": np.concatenate([structural["user"], u]).astype(np.int32),
        "t": np.concatenate([structural["t"], t]), "act": np.concatenate([structural["act"], act]).astype(np.int8),
        "feature": np.concatenate([structural["feature"], feature]).astype(np.int8),
        "platform": np.concatenate([structural["platform"], platform]).astype(np.int8),
        "stage": np.concatenate([structural["stage"], np.ones(m, np.int64)]).astype(np.int8),
    }
    srt = np.argsort(out["t"], kind="stable")
    out = {k: v[srt] for k, v in out.items()}
    # no two rows share a millisecond (a real log never repeats itself exactly): t'_i = max(t_i, t'_(i-1) + 1)
    i = np.arange(srt.size, dtype=np.int64)
    out["t"] = np.maximum.accumulate(out["t"] - i) + i if srt.size else out["t"]
    out["n"] = int(srt.size)
    return out


def _billing_rows(rng: np.random.Generator, acc: dict[str, Any], terms: dict[str, Any], end: int) -> dict[str, Any]:
    """Billing-system events: trials, subscriptions, quarterly invoices, failed payments, renewals, churn."""
    n = acc["n"]
    annual = acc["seats"] * PRICE_PER_SEAT[acc["segment"]]
    parts = []
    a = np.arange(n)
    parts.append((a, acc["t0"] + 5_000, 0, np.nan))
    lost = np.nonzero(~acc["converted"])[0]
    parts.append((lost, acc["tc"][lost], 1, np.nan))
    c = np.nonzero(acc["converted"])[0]
    parts.append((c, acc["tc"][c], 2, annual[c]))
    for q in range(4):
        ta = terms["account"]
        t = terms["start"] + q * 91 * DAY_MS + 60_000
        failed = rng.random(ta.size) < 0.05
        parts.append((ta[failed], t[failed], 4, annual[ta[failed]] / 4))
        parts.append((ta, t + np.where(failed, 3 * DAY_MS, 0), 3, annual[ta] / 4))
    renewed = terms["decided"] & ~terms["churn"]
    parts.append((terms["account"][renewed], terms["end"][renewed] - 60_000, 5, annual[terms["account"][renewed]]))
    ch = terms["churn"]
    notice = terms["end"][ch] - (rng.uniform(5, 45, int(ch.sum())) * DAY_MS).astype(np.int64)
    parts.append((terms["account"][ch], notice, 6, np.nan))
    out = {"account": np.concatenate([p[0] for p in parts]),
           "t": np.concatenate([np.broadcast_to(p[1], p[0].shape) for p in parts]).astype(np.int64),
           "type": np.concatenate([np.full(len(p[0]), p[2]) for p in parts]),
           "amount": np.concatenate([np.broadcast_to(np.asarray(p[3], dtype=float), p[0].shape) for p in parts])}
    stop = np.where(acc["converted"], np.minimum(acc["active_end"], end), end)
    keep = (out["t"] < end) & ((out["t"] <= stop[out["account"]]) | (out["type"] <= 1))
    srt = np.nonzero(keep)[0][np.argsort(out["t"][keep], kind="stable")]
    out = {k: v[srt] for k, v in out.items()}
    out["amount"] = np.round(out["amount"], 2)
    out["n"] = int(srt.size)
    return out


def _identifiers(rng: np.random.Generator, acc: dict[str, Any], users: dict[str, Any],
                 ids: Identities, shard: Shard) -> dict[str, Any]:
    """Company names and domains, e-mails, phones, account and billing ids (distinct by construction).

    Shard ``i`` of a large company numbers its domains from ``100 i`` (atelier-nova-design312.fr)
    and draws its numbers and ids in its own residue class (:class:`Shard`).
    """
    n = acc["n"]
    na, nb, nc = len(NAME_A), len(NAME_B), len(NAME_C)
    code = distinct(rng, n, na * nb * nc * 100)
    ia, ib, ic = code // (nb * nc * 100), (code // (nc * 100)) % nb, (code // 100) % nc
    num = code % 100 + 100 * shard.index
    company = concat(take(list(NAME_A), ia), " ", take(list(NAME_B), ib), " ", take(list(NAME_C), ic))
    suffix = pc.if_else(pa.array(num == 0), "", pc.cast(pa.array(num), pa.string()))
    domain = concat(take([ascii_slug(x) for x in NAME_A], ia), "-", take([ascii_slug(x) for x in NAME_B], ib), "-",
                    take([ascii_slug(x) for x in NAME_C], ic), suffix, take(list(TLD), acc["country"]))
    # user names: distinct within an account (an affine walk over first x last names)
    nf, nl = len(FIRST), len(LAST)
    space = nf * nl
    steps = np.array([s for s in range(7, 400) if np.gcd(s, space) == 1])
    base = rng.integers(0, space, n)
    step = steps[rng.integers(0, steps.size, n)]
    ucode = (base[users["account"]] + users["pos"] * step[users["account"]]) % space
    first, last = ucode // nl, ucode % nl
    email = concat(take([ascii_slug(x) for x in FIRST], first), ".", take(list(LAST), last), "@",
                   domain.take(pa.array(users["account"])))
    billing_custom = acc["segment"] != 0
    billing = concat(take(list(BILLING_LOCAL), rng.integers(0, len(BILLING_LOCAL), n)), "@", domain)
    email_base = ids.add("email", email, users["account"])
    billing_base = ids.add("email", billing, np.arange(n))
    billing_email_code = np.where(billing_custom, billing_base + np.arange(n), email_base + users["start"])
    account_id = concat("ACC-", digits(increasing_ids(rng, acc["t0"], 100_000, shard), 6))
    account_base = ids.add("account_id", account_id, np.arange(n))
    billing_id = concat("cus_", digits(shard.draw(rng, n, 16**14), 14, "hex"))
    billing_id_base = ids.add("billing_id", billing_id, np.arange(n))
    # phones: international format, French ones sometimes national
    written = pa.array([""] * n, pa.string())
    norm = pa.array([""] * n, pa.string())
    for k, pats in enumerate(PHONE_PATTERNS):
        sel = np.nonzero(acc["country"] == k)[0]
        if sel.size == 0:
            continue
        nd = PHONE_DIGITS[k]
        lead = PHONE_LEAD[k]
        lead_digits = len(str(lead))
        rest = shard.draw(rng, sel.size, 10 ** (nd - lead_digits))
        number = lead * 10 ** (nd - lead_digits) + rest
        cc = pats[0].split(" ")[0]
        n_k = concat(cc, digits(number, nd))
        w_k = fill_pattern(number, pats[0])
        if len(pats) > 1:
            w_k = pc.if_else(pa.array(rng.random(sel.size) < 0.5), fill_pattern(number, pats[1]), w_k)
        mask = np.zeros(n, dtype=bool)
        mask[sel] = True
        scatter = np.zeros(n, dtype=np.int64)
        scatter[sel] = np.arange(sel.size)
        written = pc.if_else(pa.array(mask), w_k.take(pa.array(scatter)), written)
        norm = pc.if_else(pa.array(mask), n_k.take(pa.array(scatter)), norm)
    has_phone = rng.random(n) < 0.8
    phone_base = ids.add("phone", norm, np.arange(n))
    return {"company": company, "domain": domain, "email": email, "email_base": email_base,
            "billing_email": pa.concat_arrays([email, billing]).take(pa.array(billing_email_code)),
            "billing_email_code": billing_email_code, "account_id": account_id, "account_base": account_base,
            "billing_id": billing_id, "billing_id_base": billing_id_base, "phone_written": written,
            "phone_base": phone_base, "has_phone": has_phone}


def _feedback(rng: np.random.Generator, cal: Calendar, acc: dict[str, Any], users: dict[str, Any],
              feats: dict[str, Any], tk: dict[str, Any], res: support.Tickets, end: int) -> dict[str, Any]:
    """In-app NPS every six months and CSAT after tickets, with comments tied to each account's story."""
    bank = Bank(SAAS)
    A = bank.aspect
    stop = np.minimum(acc["active_end"], end)
    n = acc["n"]
    lang_acc = np.where(acc["country"] == 0, np.where(rng.random(n) < 0.7, FR, EN), EN)
    parts: list[dict[str, Any]] = []
    o0 = instant(OUTAGE_START, TZ)
    for wave in range(6):
        t_w = acc["tc"] + (90 + 180 * wave) * DAY_MS
        a = np.nonzero(acc["converted"] & (t_w < stop))[0]
        k = rng.binomial(users["n_active"][a], 0.22)
        ra = np.repeat(a, k)
        u = _random_user(rng, users, ra, 0.25)
        t = t_w[ra] + (rng.uniform(0, 10, ra.size) * DAY_MS).astype(np.int64)
        t = np.minimum(t, stop[ra] - HOUR_MS)
        after_outage = (t >= o0) & (t < o0 + 21 * DAY_MS) & _outage_accounts(tk, n)[ra]
        mean = (7.2 + 1.3 * acc["z"][ra] + 2.5 * (users["util"][ra] - 0.6) - 3.0 * acc["import_failed"][ra]
                - 0.6 * acc["f"][ra] - 1.5 * after_outage - 1.2 * acc["churned"][ra])
        score = np.clip(np.round(rng.normal(mean, 1.4)), 0, 10)
        good = score >= 7
        a1 = np.where(after_outage, A("reliability"), np.where(acc["import_failed"][ra], A("onboarding"),
                      np.where(good, A("features"), np.where(users["util"][ra] < 0.5, A("price"), A("support")))))
        s1 = np.where(after_outage | acc["import_failed"][ra] | ~good, -1, 1)
        a2 = np.where(rng.random(ra.size) < 0.4, np.where(good, A("ux"), A("support")), -1)
        a2 = np.where(a2 == a1, -1, a2)
        parts.append({"account": ra, "user": u, "t": t, "kind": "nps", "score": score, "a1": a1, "s1": s1,
                      "a2": a2, "s2": np.where(good, 1, -1), "text_p": 0.55, "channel": "in_app",
                      "touchpoint": "product"})
    done = np.nonzero((res.resolved < end) & (rng.random(tk["n"]) < 0.4))[0]
    mean = (4.4 - 1.4 * (res.team[done] == WEAK_TEAM) - 0.3 * np.minimum(res.recontacts[done], 4)
            - 0.6 * res.reopened[done])
    score = np.clip(np.round(rng.normal(mean, 0.7)), 1, 5)
    good = score >= 4
    cat = tk["cat"][done]
    a1 = np.where(cat == 5, A("billing"), np.where(cat == 6, A("reliability"), A("support")))
    parts.append({"account": tk["account"][done], "user": tk["user"][done],
                  "t": res.resolved[done] + (rng.uniform(1, 48, done.size) * HOUR_MS).astype(np.int64),
                  "kind": "csat", "score": score, "a1": a1, "s1": np.where(good & (cat < 5), 1, -1),
                  "a2": np.where(rng.random(done.size) < 0.5, A("support"), -1), "s2": np.where(good, 1, -1),
                  "text_p": 0.5, "channel": "email", "touchpoint": "support", "ticket": done})

    def col(key: str, default: Any, dtype: Any) -> np.ndarray:
        return np.concatenate([np.broadcast_to(np.asarray(p.get(key, default)), p["account"].shape)
                               for p in parts]).astype(dtype)

    account = col("account", -1, np.int64)
    a1, s1, a2, s2 = col("a1", 0, np.int64), col("s1", 1, np.int64), col("a2", -1, np.int64), col("s2", 1, np.int64)
    a2 = np.where(a2 == a1, -1, a2)
    ln = lang_acc[account]
    text, labels = bank.compose(rng, ln, a1, s1, a2, s2)
    has_text = rng.random(account.size) < col("text_p", 0.5, float)
    null = pa.scalar(None, pa.string())
    t = col("t", 0, np.int64)
    keep = t < end
    idx = np.nonzero(keep)[0][np.argsort(t[keep], kind="stable")]
    return {"account": account[idx], "user": col("user", 0, np.int64)[idx], "t": t[idx],
            "kind": col("kind", "", object)[idx], "score": col("score", np.nan, float)[idx],
            "channel": col("channel", "", object)[idx], "touchpoint": col("touchpoint", "", object)[idx],
            "ticket": col("ticket", -1, np.int64)[idx],
            "text": pc.if_else(pa.array(has_text), text, null).take(pa.array(idx)),
            "labels": pc.if_else(pa.array(has_text), labels, null).take(pa.array(idx)),
            "language": np.where(has_text, np.where(ln == FR, "fr", "en"), None)[idx], "n": int(idx.size)}


def _outage_accounts(tk: dict[str, Any], n: int) -> np.ndarray:
    """Accounts that complained during the outage."""
    hit = np.zeros(n, dtype=bool)
    hit[tk["account"][tk["wave"]]] = True
    return hit


def _sources(rng, cal: Calendar, acc, users, people, usage, bill, tk, res, fb, ids: Identities,
             n_dups: int, shard: Shard) -> list[Source]:
    """The vendor's exports, each with its own conventions."""
    n, end = acc["n"], cal.end_ms
    null = pa.scalar(None, pa.string())
    sizes = {"product_usage": usage["n"], "subscriptions": bill["n"], "tickets": res.step_time.size}
    total = max(1, sum(sizes.values()))
    dups = {k: max(1, round(n_dups * v / total)) for k, v in sizes.items()}
    admin = users["start"]
    sources: list[Source] = []

    # --- CRM accounts (crm_accounts.csv, ',', ISO dates)
    ids.use("account_id", people["account_base"] + np.arange(n))
    ids.use("email", people["email_base"] + admin)
    ids.use("phone", people["phone_base"] + np.nonzero(people["has_phone"])[0])
    order = np.argsort(acc["t0"], kind="stable")
    oa = pa.array(order)
    seats = pa.array(acc["seats"], pa.int64(), mask=~acc["converted"])
    crm = pa.table({
        "account_id": people["account_id"], "company": people["company"], "domain": people["domain"],
        "admin_email": email_as_typed(rng, people["email"].take(pa.array(admin)), 0.2),
        "phone": pc.if_else(pa.array(people["has_phone"]), people["phone_written"], null),
        "country": take(list(COUNTRIES), acc["country"]), "region": take(list(REGION_OF_COUNTRY), acc["country"]),
        "segment": take(list(SEGMENTS), acc["segment"]),
        "plan": pc.if_else(pa.array(acc["converted"]), take(list(PLANS), acc["segment"]), pa.scalar("trial")),
        "seats": seats, "industry": take(list(INDUSTRIES), rng.integers(0, len(INDUSTRIES), n)),
        "csm_owner": pc.if_else(pa.array(acc["segment"] > 0), take(list(CSMS), rng.integers(0, len(CSMS), n)), null),
        "created_at": pa.array(acc["t0"], pa.int64()),
    }).take(oa)
    sources.append(Source(
        "crm_accounts", "crm_accounts", "csv", "customers", [Block(crm)], {"created_at": "%Y-%m-%d"}, tz=TZ,
        delimiter=",", columns={"created_at": "created_at", "segment": "segment", "region": "region"},
        identifiers={"account_id": "account_id", "email": "admin_email", "phone": "phone"},
        malformed=MALFORMED["crm_accounts"]))

    # --- product usage (product_usage.parquet, UTC timestamps)
    ids.use("email", people["email_base"] + usage["user"].astype(np.int64))
    ids.use("account_id", people["account_base"] + usage["account"].astype(np.int64))
    user_tab = pa.table({"account_id": people["account_id"].take(pa.array(users["account"])),
                         "user_email": people["email"]})
    nf, npf = len(FEATURES) + 1, len(PLATFORMS)
    act, feat = usage["act"].astype(np.int64), usage["feature"].astype(np.int64)
    content_code = ((act * nf + (feat + 1)) * npf + usage["platform"]) * 2 + usage["stage"]
    ca, cf, cp, cs = np.meshgrid(np.arange(len(USAGE_ACTIVITIES)), np.arange(nf), np.arange(npf), np.arange(2),
                                 indexing="ij")
    ca, cf, cp, cs = ca.ravel(), cf.ravel(), cp.ravel(), cs.ravel()
    content = pa.table({
        "event": take(USAGE_ACTIVITIES, ca),
        "feature": pc.if_else(pa.array(cf > 0), take(list(FEATURES), np.maximum(cf - 1, 0)), null),
        "platform": take(list(PLATFORMS), cp), "stage": take(["onboarding", "usage"], cs),
    })
    month = (usage["t"] - cal.start_ms) // (30 * DAY_MS)
    n_month = int(month.max()) + 1 if month.size else 1
    versions = pa.table({"app_version": concat(pc.cast(pa.array(5 + np.arange(n_month) // 12), pa.string()), ".",
                                               pc.cast(pa.array(np.arange(n_month) % 12), pa.string()), ".",
                                               pc.cast(pa.array(np.arange(n_month) * 7 % 5), pa.string()))})
    sources.append(Source(
        "product_usage", "product_usage", "parquet", "events",
        [Block(pa.table({"ts": pa.array(usage["t"], pa.int64())})), Block(user_tab, usage["user"]),
         Block(content, content_code), Block(versions, month)],
        {"ts": "%Y-%m-%dT%H:%M:%S.%gZ"}, tz="UTC",
        columns={"timestamp": "ts", "activity": "event", "channel": "platform", "stage": "stage"},
        identifiers={"account_id": "account_id", "email": "user_email"}, activities=USAGE_ACTIVITIES,
        malformed=MALFORMED["product_usage"], duplicates=dups["product_usage"]))

    # --- billing events (subscriptions.jsonl, ISO with offset)
    ba = bill["account"]
    ids.use("billing_id", people["billing_id_base"] + ba)
    ids.use("email", people["billing_email_code"][ba])
    ids.use("account_id", people["account_base"] + ba)
    is_cancel = bill["type"] == 6
    amount = bill["amount"]
    bill_tab = pa.table({
        "id": concat("evt_", digits(shard.draw(rng, bill["n"], 16**15), 15, "hex")),
        "created": pa.array(bill["t"], pa.int64()), "type": take(BILLING_ACTIVITIES, bill["type"]),
        "customer": people["billing_id"].take(pa.array(ba)),
        "customer_email": people["billing_email"].take(pa.array(ba)),
        "account_ref": people["account_id"].take(pa.array(ba)),
        "plan": pc.if_else(pa.array(bill["type"] <= 1), pa.scalar("trial"), take(list(PLANS), acc["segment"][ba])),
        "seats": pa.array(acc["seats"][ba], pa.int64(), mask=bill["type"] <= 1),
        "amount": pa.array(np.nan_to_num(amount), pa.float64(), mask=np.isnan(amount)),
        "currency": pa.array(np.where(np.isnan(amount), None, "eur"), pa.string()),
        "cancel_at": pa.array(acc["active_end"][ba], pa.int64(), mask=~is_cancel),
    })
    sources.append(Source(
        "subscriptions", "subscriptions", "jsonl", "events", [Block(bill_tab)],
        {"created": "%Y-%m-%dT%H:%M:%S%z", "cancel_at": "%Y-%m-%dT%H:%M:%S%z"}, tz=TZ,
        columns={"event_id": "id", "timestamp": "created", "activity": "type", "value": "amount"},
        constants={"channel": "billing"},
        identifiers={"billing_id": "customer", "email": "customer_email", "account_id": "account_ref"},
        activities=BILLING_ACTIVITIES, malformed=MALFORMED["subscriptions"], duplicates=dups["subscriptions"]))

    # --- tickets (tickets.csv, ';', UTC "YYYY-mm-dd HH:MM:SS") and cases
    ids.use("email", people["email_base"] + tk["user"])
    ids.use("account_id", people["account_base"] + tk["account"])
    ticket_id = pc.cast(pa.array(tk["id"]), pa.string())
    team_names = [t.name for t in TEAMS]
    contact = {"contact_email": people["email"].take(pa.array(tk["user"])),
               "company_id": people["account_id"].take(pa.array(tk["account"]))}
    srt = np.argsort(res.step_time, kind="stable")
    st_t = res.step_time[srt]
    steps = pa.table({
        "event_id": concat("ev", digits(increasing_ids(rng, st_t, 7_000_000, shard), 9)),
        "occurred_at": pa.array(st_t, pa.int64()),
        "action": take(list(support.ACTIONS), res.step_action[srt]),
        "channel": take(list(support.CHANNELS), res.step_channel[srt]),
        "agent": take_or_null(list(res.agents), res.step_agent[srt]),
    })
    info = pa.table({"ticket_id": ticket_id, "team": take(team_names, res.team), **contact})
    sources.append(Source(
        "tickets", "tickets", "csv", "events", [Block(steps), Block(info, res.step_ticket[srt])],
        {"occurred_at": "%Y-%m-%d %H:%M:%S"}, tz="UTC", delimiter=";",
        columns={"event_id": "event_id", "timestamp": "occurred_at", "activity": "action", "channel": "channel",
                 "agent": "agent", "team": "team", "case_id": "ticket_id"},
        identifiers={"email": "contact_email", "account_id": "company_id"}, activities=list(support.ACTIONS),
        malformed=MALFORMED["tickets"], duplicates=dups["tickets"]))
    cat = tk["cat"]
    count = np.array([len(SUBJECTS[c]) for c in range(len(CATEGORIES))])
    base = np.concatenate([[0], np.cumsum(count)])[:-1]
    subject = take([s for c in range(len(CATEGORIES)) for s in SUBJECTS[c]],
                   base[cat] + (rng.random(tk["n"]) * count[cat]).astype(np.int64))
    answered = res.first_response < end
    solved = res.resolved < end
    prio = np.where(np.isin(cat, [2, 6]), "urgent", np.where(np.isin(cat, [0, 4, 5]), "high",
                    np.where(rng.random(tk["n"]) < 0.3, "low", "normal")))
    cases = pa.table({
        "ticket_id": ticket_id, "opened_at": pa.array(tk["opened"], pa.int64()),
        "closed_at": pa.array(res.resolved, pa.int64(), mask=~solved),
        "type": take(list(CATEGORY_KIND), cat), "category": take(list(CATEGORIES), cat),
        "status": pa.array(res.status), "priority": pa.array(prio), "agent": take(list(res.agents), res.owner),
        "team": take(team_names, res.team), "channel": take(list(support.CHANNELS), tk["channel"]),
        "subject": subject, **contact,
        "sla_first_response": pc.if_else(pa.array(answered), pa.array(np.where(res.sla_met, "met", "breached")),
                                         null),
        "first_response_minutes": pa.array((res.first_response - tk["opened"]) // MINUTE_MS, pa.int64(),
                                           mask=~answered),
    })
    sources.append(Source(
        "cases", "cases", "csv", "cases", [Block(cases)],
        {"opened_at": "%Y-%m-%d %H:%M:%S", "closed_at": "%Y-%m-%d %H:%M:%S"}, tz="UTC", delimiter=",",
        columns={"case_id": "ticket_id", "opened_at": "opened_at", "closed_at": "closed_at", "kind": "type",
                 "category": "category", "status": "status", "priority": "priority", "owner": "agent",
                 "team": "team", "channel": "channel"},
        identifiers={"email": "contact_email", "account_id": "company_id"}, malformed=MALFORMED["cases"]))

    # --- NPS and CSAT answers (nps_responses.csv, ',', epoch seconds)
    ids.use("email", people["email_base"] + fb["user"])
    ids.use("account_id", people["account_base"] + fb["account"])
    score = fb["score"]
    nps = pa.table({
        "response_id": pc.cast(pa.array(increasing_ids(rng, fb["t"], 300_000, shard)), pa.string()),
        "created": pa.array(fb["t"], pa.int64()),
        "email": email_as_typed(rng, people["email"].take(pa.array(fb["user"])), 0.08),
        "company_id": people["account_id"].take(pa.array(fb["account"])),
        "survey": pa.array(fb["kind"].astype(str)),
        "score": pa.array(np.nan_to_num(score).astype(np.int64), pa.int64(), mask=np.isnan(score)),
        "comment": fb["text"], "language": pa.array(fb["language"], pa.string()),
        "channel": pa.array(fb["channel"].astype(str)), "touchpoint": pa.array(fb["touchpoint"].astype(str)),
        "ticket_id": take_or_null(ticket_id, fb["ticket"]),
    })
    sources.append(Source(
        "nps_responses", "nps_responses", "csv", "feedback", [Block(nps)], {"created": "epoch_s"}, tz="UTC",
        delimiter=",",
        columns={"feedback_id": "response_id", "timestamp": "created", "kind": "survey", "score": "score",
                 "text": "comment", "language": "language", "channel": "channel", "touchpoint": "touchpoint",
                 "case_id": "ticket_id"},
        identifiers={"email": "email", "account_id": "company_id"}, malformed=MALFORMED["nps_responses"],
        duplicates=max(2, round(DUPLICATE_SHARE * fb["n"]))))
    return sources


def _r(x: Any) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 4)


def _measure(acc, users, feats, terms, tk, res, fb, end: int) -> dict[str, Any]:
    """What the truths say about the generated rows, as counts, tallies and small samples.

    Everything here adds up across the shards of a large company (see
    :func:`parcours.synth.truth.merge_stats`); :func:`truths` turns it into the truth entries.
    """
    n = acc["n"]
    # churn drivers, measured as an analyst would from the exports
    first = terms["term"] == 0
    fa = terms["account"][first & terms["decided"]]
    churned_first = terms["churn"][first & terms["decided"]]
    util = users["n_active"] / acc["seats"]
    k30 = feats["k30_observed"]
    counted = tk["cat"] != CATEGORIES.index("cancellation")
    tc = acc["tc"][tk["account"]]
    in_first = counted & (tk["opened"] >= tc) & (tk["opened"] < tc + YEAR_MS)
    tickets_first = np.bincount(tk["account"][in_first], minlength=n)

    def by(values: np.ndarray, edges: list[float], labels: list[str]) -> dict[str, Any]:
        v = values[fa]
        return {lab: tally(churned_first[(v >= edges[i]) & (v < edges[i + 1])]) for i, lab in enumerate(labels)}

    criterion = (util >= 0.5) & (k30 >= 3)
    churn = {"first_renewal": tally(churned_first),
             "by_seat_use": by(util, [0, 0.4, 0.7, 10], ["<0.4", "0.4-0.7", ">=0.7"]),
             "by_features_30d": by(k30.astype(float), [0, 3, 5, 99], ["0-2", "3-4", ">=5"]),
             "by_tickets_first_term": by(tickets_first.astype(float), [0, 2, 4, 999], ["0-1", "2-3", ">=4"]),
             "by_import_failed": by(acc["import_failed"].astype(float), [0, 0.5, 2], ["no", "yes"]),
             "success_criterion": by(criterion.astype(float), [0, 0.5, 2], ["missed", "met"])}
    # leak in onboarding
    leak = {}
    for p, name in enumerate(PLATFORMS):
        sel = acc["platform"] == p
        leak[name] = {"signups": int(sel.sum()), "reached": acc["reached"][sel].sum(axis=0),
                      "converted": tally(acc["converted"][sel])}
    # moment of truth: the data import
    imp, tried = acc["import_failed"], acc["import_tried"]
    npsr = fb["kind"] == "nps"
    moment = {"conversion_failed": tally(acc["converted"][imp & tried]),
              "conversion_ok": tally(acc["converted"][~imp & tried]),
              "churn_failed": tally(churned_first[imp[fa]]), "churn_ok": tally(churned_first[~imp[fa] & tried[fa]]),
              "nps_failed": tally(fb["score"][npsr & imp[fb["account"]]]),
              "nps_ok": tally(fb["score"][npsr & ~imp[fb["account"]]])}
    # segments (company size, from the CRM)
    seg = {}
    for i, name in enumerate(SEGMENTS):
        sel = acc["segment"] == i
        pay = sel & acc["converted"]
        seg[name] = {"accounts": tally(sel), "seats": sample(acc["seats"][pay]), "seat_use": tally(util[pay]),
                     "features_30d": tally(k30[sel].astype(float)), "converted": tally(acc["converted"][sel]),
                     "churn": tally(churned_first[acc["segment"][fa] == i])}
    # use cases (the saas personas)
    personas = {name: {"accounts": tally(acc["use_case"] == i), "features_30d": tally(k30[acc["use_case"] == i]
                                                                                        .astype(float))}
                for i, name in enumerate(USE_CASES)}
    # support
    solved = res.resolved < end
    hours = (res.resolved - tk["opened"]) / HOUR_MS
    csat = (fb["kind"] == "csat") & (fb["ticket"] >= 0)
    ct = res.team[np.maximum(fb["ticket"], 0)]
    teams = {}
    for i, t in enumerate(TEAMS):
        sel = res.team == i
        teams[t.name] = {"tickets": int(sel.sum()), "resolution_hours": sample(hours[sel & solved]),
                         "recontacts": tally(res.recontacts[sel]), "reopened": tally(res.reopened[sel]),
                         "sla_met": tally(res.sla_met[sel]), "csat": tally(fb["score"][csat & (ct == i)])}
    w = tk["wave"]
    b = tk["cat"] == CATEGORIES.index("billing_error")
    others = ~b & ~w

    def sla_stats(sel: np.ndarray) -> dict[str, Any]:
        return {"cases": int(sel.sum()), "sla_met": tally(res.sla_met[sel]),
                "first_reply_hours": sample((res.first_response[sel] - tk["opened"][sel]) / HOUR_MS),
                "resolution_hours": sample(hours[sel & solved]), "recontacts": tally(res.recontacts[sel])}

    return {"accounts": {"total": n, "paying": int(acc["converted"].sum()), "churned": int(acc["churned"].sum())},
            "churn": churn, "leak": leak, "moment_of_truth": moment, "segments": seg, "personas": personas,
            "teams": teams,
            "wave": {"opened": sample(tk["opened"][w]), "ids": sample(tk["id"][w])},
            "sla": {"billing_error": sla_stats(b), "other_categories": sla_stats(others)}}


def truths(m: dict[str, Any]) -> dict[str, Any]:
    """Planted truths with their parameters and their size measured on the generated rows.

    ``m`` is what :func:`_measure` found, in one company or summed over the shards of one.
    """
    cal = Calendar(START, DAYS, TZ, MONTHLY, WEEKLY, trend=0.8)
    end = cal.end_ms

    def iso(ms: int) -> str:
        return format_time(np.array([ms]), "%Y-%m-%dT%H:%M:%S%z", TZ).to_pylist()[0]

    def rates(groups: dict[str, np.ndarray]) -> dict[str, Any]:
        return {lab: {"accounts": int(t[1]), "churn_rate": _r(ratio(t))} for lab, t in groups.items()}

    c = m["churn"]
    churn = {
        "description": "At the first renewal, accounts churn more when few of their seats are used, when they "
                       "adopted few features in their first 30 days, when they filed many tickets and when their "
                       "data import failed.",
        "outcome": "subscription.cancelled at the end of the first annual term (subscriptions)",
        "population": "paying accounts whose first term ended within the window",
        "planted_logit": {"intercept": B0, "seat_use_minus_0.6": B_UTIL, "features_30d_minus_3": B_FEAT,
                          "tickets_in_term_minus_2": B_TICKETS, "import_failed": B_IMPORT,
                          "segment_offset": dict(zip(SEGMENTS, B_SEGMENT.tolist()))},
        "measures": {
            "seat_use": "distinct users with user_activated (product_usage) / seats (crm_accounts)",
            "features_30d": "distinct features with feature_used within 30 days of signup (product_usage)",
            "tickets_first_term": "cases opened in the first year after subscription.created, cancellations excluded",
            "import_failed": "data_import_failed without a later data_import_completed (product_usage)",
        },
        "observed": {
            "accounts": int(c["first_renewal"][1]), "churn_rate": _r(ratio(c["first_renewal"])),
            "by_seat_use": rates(c["by_seat_use"]), "by_features_30d": rates(c["by_features_30d"]),
            "by_tickets_first_term": rates(c["by_tickets_first_term"]),
            "by_import_failed": rates(c["by_import_failed"]),
        },
        "success_criterion": {"definition": "seat use >= 50 % and >= 3 features adopted in the first 30 days",
                              **rates(c["success_criterion"])},
        "usage_decline": "usage (logins, feature uses) drops to a third in the 90 days before a churn",
    }
    steps = {name: {"signups": int(v["signups"]), "reached": dict(zip(ONBOARDING, v["reached"].tolist())),
                    "users_invited_to_integration_connected": _r(v["reached"][3] / max(v["reached"][2], 1))}
             for name, v in m["leak"].items()}
    leak = {
        "description": "Accounts that sign up on mobile rarely connect an integration during onboarding; "
                       "they convert much less often.",
        "source": "product_usage", "unit": "account", "stage": "onboarding", "from_activity": "users_invited",
        "to_activity": "integration_connected", "channel": "mobile", "compared_to": "web",
        "planted_step_conversion": {name: float(STEP_P[p, 3]) for p, name in enumerate(PLATFORMS)},
        "observed": steps,
        "conversion_to_paid": {name: _r(ratio(v["converted"])) for name, v in m["leak"].items()},
    }
    mt = m["moment_of_truth"]
    moment = {
        "description": "A data import that fails in the first weeks (and is not retried successfully) makes "
                       "conversion less likely, churn at renewal more likely and NPS lower.",
        "source": "product_usage", "touchpoint": "data_import_failed", "planted_churn_logit": B_IMPORT,
        "observed": {
            "conversion_to_paid": {"import_failed": _r(ratio(mt["conversion_failed"])),
                                   "import_ok": _r(ratio(mt["conversion_ok"]))},
            "first_renewal_churn": {"import_failed": _r(ratio(mt["churn_failed"])),
                                    "import_ok": _r(ratio(mt["churn_ok"]))},
            "mean_nps": {"import_failed": _r(ratio(mt["nps_failed"])), "import_ok": _r(ratio(mt["nps_ok"]))},
        },
    }
    seg = {name: {"accounts": int(v["accounts"][0]), "share": _r(ratio(v["accounts"])),
                  "median_seats": _r(median(v["seats"])), "mean_seat_use": _r(ratio(v["seat_use"])),
                  "mean_features_30d": _r(ratio(v["features_30d"])), "conversion_to_paid": _r(ratio(v["converted"])),
                  "first_renewal_churn": _r(ratio(v["churn"]))}
           for name, v in m["segments"].items()}
    personas = {"description": "What an account uses Planeo for, seen in the features it adopts; the CRM segment "
                               "(company size) is independent of it. Each customer's persona is in customers[].",
                "features": list(FEATURES),
                "planted": {name: {"accounts": int(v["accounts"][0]), "share": _r(ratio(v["accounts"])),
                                   "mean_features_30d": _r(ratio(v["features_30d"])),
                                   "feature_weights": USE_CASE_POPULARITY[i].tolist()}
                            for i, (name, v) in enumerate(m["personas"].items())}}
    teams = {name: {"tickets": int(t["tickets"]), "median_resolution_hours": _r(median(t["resolution_hours"])),
                    "mean_recontacts": _r(ratio(t["recontacts"])), "reopen_rate": _r(ratio(t["reopened"])),
                    "first_reply_sla_met_rate": _r(ratio(t["sla_met"])), "mean_csat": _r(ratio(t["csat"]))}
             for name, t in m["teams"].items()}
    weak = {"description": "The offshore team answers and solves later, gets more re-contacts and re-openings, "
                           "and lower CSAT.",
            "team": TEAMS[WEAK_TEAM].name, "sources": ["tickets", "cases", "nps_responses"],
            "planted": {t.name: {"median_first_reply_hours": t.first_response_h,
                                 "median_resolution_hours": t.resolution_h, "reopen_rate": t.reopen,
                                 "recontacts_per_ticket": t.recontacts} for t in TEAMS},
            "observed": teams}
    opened = joined(m["wave"]["opened"])
    order = np.argsort(opened, kind="stable")  # the cases in the order they were opened
    o0 = instant(OUTAGE_START, TZ)
    wave = {"description": "A calendar-sync outage makes many accounts file near-identical complaints within "
                           "two days.",
            "category": "calendar_sync_outage", "kind": "complaint", "aspect": "reliability",
            "window": {"start": iso(o0), "end": iso(o0 + OUTAGE_HOURS * HOUR_MS)},
            "cases": int(opened.size), "case_ids": [str(x) for x in joined(m["wave"]["ids"])[order]],
            "subject_templates": SUBJECTS[6], "same_category_outside_window": 0}

    def sla_stats(s: dict[str, Any]) -> dict[str, Any]:
        return {"cases": int(s["cases"]), "first_reply_within_48h_rate": _r(ratio(s["sla_met"])),
                "median_first_reply_hours": _r(median(s["first_reply_hours"])),
                "median_hours_to_resolution": _r(median(s["resolution_hours"])),
                "mean_recontacts": _r(ratio(s["recontacts"]))}

    sla = {"description": "Billing-error tickets get a first reply well within 48 h, yet customers chase several "
                          "times and the need (a corrected invoice) is met weeks later.",
           "category": "billing_error", "sla": "first reply within 48 hours (cases.sla_first_response)",
           "observed": {k: sla_stats(v) for k, v in m["sla"].items()}}
    a = m["accounts"]
    return {
        "company": COMPANY, "sector": "B2B project-planning software (SaaS)", "timezone": TZ,
        "period": {"start": iso(cal.start_ms), "end": iso(end)},
        "accounts": {"total": int(a["total"]), "paying": int(a["paying"]), "churned": int(a["churned"])},
        "churn_drivers": churn, "leak": leak, "moment_of_truth": moment, "segments": seg, "personas": personas,
        "weak_team": weak,
        "complaint_wave": wave, "sla_paradox": sla,
        "features": {"names": list(FEATURES), "popularity": FEATURE_POPULARITY.tolist(),
                     "popularity_by_persona": {u: USE_CASE_POPULARITY[i].tolist() for i, u in enumerate(USE_CASES)}},
    }
