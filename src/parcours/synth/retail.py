"""Glisse & Co: a French ski and snowboard equipment seller (web, app, stores, phone, e-mail).

Two years of exports (Sept 2023 – Aug 2025) with strong seasons, four planted personas, a leak
at app checkout, late deliveries that hurt repurchase and reviews, a weaker outsourced support
team, a wave of "charged twice" complaints, late-parcel tickets answered within the SLA while
customers keep calling, and one store whose staff disappoints. Every customer is drawn in
vectorised passes (one per purchase intent rank), never in a loop over customers or events.
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
    SECOND_MS,
    WHOLE,
    Calendar,
    Shard,
    ascii_slug,
    choose,
    civil,
    concat,
    digits,
    distinct,
    email_as_typed,
    fill_pattern,
    first_of_groups,
    fit_company,
    format_time,
    increasing_ids,
    instant,
    local_to_utc,
    outside_fold,
    positions,
    take,
    take_or_null,
    utc_to_local,
)
from parcours.synth.text import FR, RETAIL, Bank, languages
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

COMPANY = "Glisse & Co"
TZ = "Europe/Paris"
START, DAYS = "2023-09-01", 731
MONTHLY = {1: 2.0, 2: 1.7, 3: 0.9, 4: 0.45, 5: 0.3, 6: 0.25, 7: 0.3, 8: 0.4, 9: 0.7, 10: 1.3, 11: 2.0, 12: 2.4}
WEEKLY = (1.0, 1.0, 1.0, 1.0, 1.1, 1.35, 0.9)

PERSONAS = ("beginner_skier", "intermediate_snowboarder", "expert", "parent_of_beginner")
PERSONA_SHARE = np.array([0.34, 0.26, 0.15, 0.25])
CHANNELS = ("web", "app", "store", "phone")
WEB, APP, STORE, PHONE = range(4)
#: Purchase channel mix per persona (web, app, store, phone).
MIX = np.array([[0.40, 0.10, 0.44, 0.06], [0.35, 0.50, 0.12, 0.03], [0.30, 0.10, 0.55, 0.05],
                [0.55, 0.15, 0.18, 0.12]])
REPURCHASE = np.array([0.40, 0.60, 0.72, 0.64])  # mean chance of another purchase intent after one
GAP = np.array([0.20, 0.13, 0.10, 0.15])  # mean gap between intents, in seasonal time (1 = window)
#: Buyers differ within a persona, as in a real shop (the BG/NBD model rests on it): each one's chance
#: of another intent is drawn from a Beta around the persona's mean with this concentration (lower =
#: more spread: many one-off buyers and a loyal core), and each one's buying pace (dividing the gaps)
#: from a Gamma of mean 1 and this shape. So how often and how lately someone bought tells their future.
LOYALTY_CONCENTRATION, PACE_SHAPE = 0.6, 1.5
#: A checkout that ends without an order puts a customer off (their chance of another intent times
#: this); browsing that stops before checkout does not.
FAILED_CHECKOUT_FACTOR = 0.9
RESEARCH = np.array([2.2, 1.0, 0.6, 1.5])  # browsing sessions before a first purchase
DEPTH = np.array([1.3, 0.9, 0.8, 1.1])  # relative pages per session
RETURN_P = np.array([0.07, 0.05, 0.03, 0.15])
FITTING_P = np.array([0.35, 0.3, 0.6, 0.2])
SERVICING = np.array([0.3, 0.8, 1.6, 0.4])  # workshop visits over the window
ADVICE = np.array([0.25, 0.05, 0.02, 0.2])  # sizing / advice requests per customer
APP_DEVICE = np.array(["ios", "android"])
WEB_DEVICE = np.array(["desktop", "mobile", "tablet"])

CART_P, CHECKOUT_P = 0.78, 0.74
CONVERSION = np.array([0.85, 0.45])  # checkout_start -> payment: web, app (the planted leak)
APP_RETRY_ON_WEB, RETRY_CONVERSION = 0.5, 0.85
LATE_BASE, LATE_PEAK = 0.07, 0.23
LATE_REPURCHASE_FACTOR = 0.3
CARRIERS = ("Colissimo", "Chronopost", "Relais Express")
CARRIER_SHARE = np.array([0.5, 0.3, 0.2])
CARRIER_LATE = np.array([1.0, 0.5, 2.0])

CATEGORIES = (  # key, sku prefix, label, base price (EUR)
    ("skis_piste", "SKP", "Skis piste", 380), ("skis_freeride", "SKF", "Skis freeride", 640),
    ("chaussures_ski", "CHS", "Chaussures de ski", 290), ("fixations_ski", "FXS", "Fixations ski", 190),
    ("snowboard", "SNB", "Snowboard", 430), ("boots_snowboard", "BTS", "Boots snowboard", 240),
    ("fixations_snowboard", "FXB", "Fixations snowboard", 200), ("casque", "CAS", "Casque", 95),
    ("masque", "MSQ", "Masque", 75), ("veste", "VST", "Veste de ski", 230),
    ("pantalon", "PNT", "Pantalon de ski", 150), ("gants", "GNT", "Gants", 45),
    ("skis_enfant", "SKE", "Skis enfant", 170), ("casque_enfant", "CAE", "Casque enfant", 55),
    ("combinaison_enfant", "CBE", "Combinaison enfant", 120), ("entretien", "ENT", "Kit d'entretien", 25),
)
AFFINITY = np.array([  # persona x category weights
    [2, .2, 2, .5, .2, .1, .1, 3, 3, 2, 2, 3, .2, .2, .2, .5],
    [.1, .1, .1, .1, 3, 2.5, 2.5, 1.5, 2, 2, 1.5, 1.5, .1, .1, .1, 1],
    [1.5, 3, 2.5, 2.5, .2, .1, .1, .8, 1, 1, .6, .6, .05, .05, .05, 2],
    [.5, .1, .3, .2, .2, .1, .1, 1, 1.5, .5, .5, 2, 3, 3, 3, .3],
])
ITEMS = np.array([0.6, 0.8, 0.9, 1.6])  # extra items per basket (Poisson)
MODELS = ("Alpina", "Cristal", "Evasion", "Summit", "Blizzard", "Pulse")
MODEL_PRICE = np.array([0.7, 0.85, 1.0, 1.15, 1.3, 1.5])

PAGES = ("/", "/c/ski", "/c/snowboard", "/c/enfant", "/c/vetements", "/c/accessoires", "/promotions",
         "/guide-des-tailles", "/blog/bien-choisir-ses-skis", "/blog/debuter-le-snowboard", "/aide/livraison",
         "/aide/retours", "/compte", "/panier")
PAGE_W = np.array([[6, 3, .5, .5, 2, 2, 2, 2, 2, .3, 1, .5, 1, 1], [5, .5, 3, .3, 2, 2, 2, 1, .3, 2, 1, .5, 1, 1],
                   [5, 3, .3, .2, 1, 2, 2, 1, 1, .1, .5, .3, 1, 1], [6, 1, .3, 3, 2, 1, 2, 3, .5, .2, 1, 1.5, 1, 1]])
SEARCHES = (("ski debutant", "casque ski", "gants chauds", "masque pas cher", "chaussures ski confort"),
            ("snowboard freestyle", "boots snowboard", "fixations snowboard", "snowboard all mountain"),
            ("ski freeride 108", "chaussures ski 130 flex", "fixations freeride", "peaux de phoque"),
            ("ski enfant", "casque enfant", "combinaison enfant 6 ans", "gants enfant"))
FILLER = ("page_view", "product_view", "search", "wishlist_add", "store_locator")
FILLER_MIX = np.array([[.45, .30, .15, .03, .07], [.35, .45, .12, .06, .02], [.30, .50, .15, .03, .02],
                       [.45, .30, .15, .05, .05], [.60, .30, .08, .0, .02]])  # last row: anonymous
WEB_ACTIVITIES = ["page_view", "product_view", "search", "add_to_cart", "checkout_start", "payment", "login",
                  "app_open", "wishlist_add", "store_locator"]
ORDER_ACTIVITIES = ["order_placed", "order_shipped", "order_delivered", "return_requested"]
STORE_ACTIVITIES = ["store_visit", "boot_fitting", "ski_servicing"]

REGIONS = ("Auvergne-Rhône-Alpes", "Île-de-France", "Provence-Alpes-Côte d'Azur", "Occitanie",
           "Nouvelle-Aquitaine", "Grand Est", "Hauts-de-France", "Bretagne", "Pays de la Loire",
           "Bourgogne-Franche-Comté", "Normandie")
REGION_SHARE = np.array([.34, .2, .1, .08, .07, .05, .04, .03, .03, .04, .02])
DEPARTMENTS = np.array([74, 75, 13, 31, 33, 67, 59, 35, 44, 21, 76])
STORES = ("Glisse & Co Annecy", "Glisse & Co Chamonix", "Glisse & Co Grenoble", "Glisse & Co Lyon Part-Dieu",
          "Glisse & Co Paris Bastille", "Glisse & Co Toulouse", "Glisse & Co Bordeaux", "Glisse & Co Marseille")
OUTLIER_STORE = 4
HOME_STORE = np.zeros((len(REGIONS), len(STORES)))
HOME_STORE[0, :4] = [.3, .2, .25, .25]
for _r, _s in ((1, 4), (2, 7), (3, 5), (4, 6), (5, 3), (6, 4), (7, 4), (8, 4), (9, 3), (10, 4)):
    HOME_STORE[_r, _s] = 1.0
STAFF = ("Julien", "Manon", "Kevin", "Laura", "Nicolas", "Pauline", "Romain", "Camille", "Antoine", "Elodie",
         "Maxime", "Lucie", "Florian", "Marine", "Quentin", "Audrey", "Mathieu", "Celine", "Adrien", "Justine",
         "Bastien", "Chloe", "Dylan", "Oceane")

FIRST_M = ("Thomas", "Nicolas", "Julien", "Maxime", "Antoine", "Alexandre", "Hugo", "Lucas", "Louis", "Paul",
           "Pierre", "Mathieu", "Romain", "Kevin", "Arthur", "Jules", "Baptiste", "Vincent", "Olivier", "David")
FIRST_F = ("Camille", "Marie", "Julie", "Sarah", "Laura", "Manon", "Emma", "Chloé", "Léa", "Pauline",
           "Anaïs", "Céline", "Sophie", "Claire", "Mathilde", "Lucie", "Hélène", "Elodie", "Inès", "Zoé")
LAST = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
        "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Blanc",
        "Guérin", "Muller", "Faure", "Rousseau", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Chevalier")
DOMAINS = ("gmail.com", "orange.fr", "hotmail.fr", "free.fr", "yahoo.fr", "laposte.net", "outlook.com", "sfr.fr")
DOMAIN_SHARE = np.array([.4, .15, .1, .08, .07, .05, .1, .05])
WORK_DOMAINS = ("alpes-ingenierie.fr", "groupe-rhone.com", "mairie-annecy.fr", "chu-grenoble.fr", "atelier-b.fr")
PHONE_FORMATS = ("0# ## ## ## ##", "+33 # ## ## ## ##", "0#########", "0#.##.##.##.##", "+33#########",
                 "0033 # ## ## ## ##")
PHONE_FORMAT_SHARE = np.array([.35, .15, .2, .1, .15, .05])

TEAMS = [
    support.Team("support_annecy", ("Claire B.", "Hugo L.", "Sarah M.", "Thomas R."), 0.4, 5.0, 20.0, 0.06, 0.3),
    support.Team("support_lyon", ("Nadia K.", "Louis P.", "Emma D.", "Yanis T."), 0.35, 6.0, 24.0, 0.07, 0.35),
    support.Team("support_prestataire", ("Agent 101", "Agent 102", "Agent 103", "Agent 104", "Agent 105"),
                 0.25, 18.0, 70.0, 0.30, 1.3),
]
WEAK_TEAM = 2
TICKET_CATEGORIES = ("livraison_retard", "retour_produit", "produit_defectueux", "paiement_app", "conseil_taille",
                     "double_prelevement")
CATEGORY_KIND = ("complaint", "request", "complaint", "incident", "request", "complaint")
SUBJECTS = {  # category -> (before ref, after ref) templates
    0: [("Où est ma commande ", " ?"), ("Commande ", " toujours pas livrée"), ("Retard de livraison commande ", ""),
        ("Where is my order ", "?")],
    1: [("Demande de retour commande ", ""), ("Échange de taille commande ", ""), ("Return request for order ", "")],
    2: [("Produit défectueux commande ", ""), ("Article cassé - commande ", ""), ("Defective item in order ", "")],
    3: [("Paiement impossible dans l'application", ""), ("Erreur au paiement sur l'appli", ""),
        ("Cannot pay in the app", "")],
    4: [("Quelle taille de chaussures choisir ?", ""), ("Conseil pour des skis débutant", ""),
        ("Taille de casque pour un enfant de 6 ans", ""), ("Which ski length should I choose?", "")],
    5: [("Débité deux fois - commande ", ""), ("Double prélèvement commande ", ""),
        ("Prélevé 2 fois !! commande ", ""), ("Charged twice for order ", "")],
}
WAVE_TEXTS = [("Bonjour, j'ai été débité deux fois pour ma commande ", ". Merci de me rembourser."),
              ("Double prélèvement sur ma carte pour la commande ", " !"),
              ("Débité 2 fois pour la commande ", ", c'est inadmissible."),
              ("I was charged twice for order ", ", please refund.")]
WAVE_START, WAVE_DAYS = "2024-11-29", 10

WEB_HOURS = [1.0, .6, .35, .25, .25, .35, .8, 1.5, 2.2, 2.6, 2.8, 3.0, 3.3, 3.2, 3.0, 3.0, 3.2, 3.5, 4.0, 4.6,
             5.0, 4.6, 3.4, 2.0]
APP_HOURS = [1.2, .6, .3, .2, .2, .5, 1.5, 2.5, 2.2, 2.0, 2.0, 2.4, 3.0, 2.6, 2.2, 2.2, 2.6, 3.4, 3.8, 4.4,
             5.0, 5.2, 4.0, 2.4]
STORE_HOURS = [0] * 10 + [2, 3, 3.5, 3, 3.5, 4, 4.5, 4.5, 3] + [0] * 5
OFFICE_HOURS = [0] * 9 + [3, 4, 4, 3, 2.5, 3.5, 4, 3.5, 2.5] + [0] * 6


def _catalogue() -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """Products (sku, name, slug, price) and each product's category."""
    sku, name, slug, price, cat = [], [], [], [], []
    for ci, (key, prefix, label, base) in enumerate(CATEGORIES):
        for mi, model in enumerate(MODELS):
            sku.append(f"{prefix}-{100 + 7 * mi + 3 * ci}")
            name.append(f"{label} {model}")
            slug.append(f"{key.replace('_', '-')}-{model.lower()}")
            price.append(round(base * MODEL_PRICE[mi] - 0.01, 2))
            cat.append(ci)
    return pa.table({"sku": sku, "name": name, "slug": slug}), np.array(price), np.array(cat)


def _products(rng: np.random.Generator, persona: np.ndarray) -> np.ndarray:
    """One product index per row, from the persona's category affinity."""
    cat = choose(rng, AFFINITY, persona)
    return cat * len(MODELS) + rng.integers(0, len(MODELS), persona.size)


def _content_vocab(catalogue: pa.Table) -> tuple[pa.Table, dict[str, Any]]:
    """Web-analytics hit content (event_name, page_url, product_sku, search_term) per platform."""
    searches = [s for group in SEARCHES for s in group]
    skus = catalogue.column("sku").to_pylist()
    slugs = catalogue.column("slug").to_pylist()
    rows: list[tuple[str, str, str | None, str | None]] = []
    layout: dict[str, Any] = {}
    for platform, pre in (("web", ""), ("app", "app://")):
        base = len(rows)
        if platform == "app":
            urls = [pre + ("accueil" if p == "/" else p.strip("/")) for p in PAGES]
        else:
            urls = list(PAGES)
        rows += [("page_view", url, None, None) for url in urls]
        for act in ("product_view", "add_to_cart", "wishlist_add"):
            rows += [(act, (pre + "produit/" + s) if platform == "app" else "/p/" + g, s, None)
                     for s, g in zip(skus, slugs)]
        rows += [("search", (pre + "recherche?q=" if platform == "app" else "/recherche?q=") + t.replace(" ", "+"),
                  None, t) for t in searches]
        fixed = {"login": "/compte/connexion", "app_open": "accueil", "checkout_start": "/commande/livraison",
                 "payment": "/commande/paiement", "store_locator": "/magasins"}
        for act, url in fixed.items():
            rows.append((act, pre + url.strip("/") if platform == "app" else url, None, None))
        layout[platform] = base
    n_prod = len(skus)
    layout.update(pages=0, product_view=len(PAGES), add_to_cart=len(PAGES) + n_prod,
                  wishlist_add=len(PAGES) + 2 * n_prod, search=len(PAGES) + 3 * n_prod)
    fixed_base = len(PAGES) + 3 * n_prod + len(searches)
    for i, act in enumerate(("login", "app_open", "checkout_start", "payment", "store_locator")):
        layout[act] = fixed_base + i
    layout["search_offsets"] = np.cumsum([0] + [len(g) for g in SEARCHES])[:-1]
    layout["search_counts"] = np.array([len(g) for g in SEARCHES])
    vocab = pa.table({
        "event_name": [r[0] for r in rows], "page_url": [r[1] for r in rows],
        "product_sku": pa.array([r[2] for r in rows], pa.string()),
        "search_term": pa.array([r[3] for r in rows], pa.string()),
    })
    return vocab, layout


MALFORMED: dict[str, list[tuple[str, str | None, int]]] = {
    "crm_customers": [("missing_identifier", None, 2), ("bad_timestamp", "date_creation", 2),
                      ("malformed_row", None, 2)],
    "web_analytics": [("malformed_row", None, 4), ("bad_timestamp", "hit_time", 4), ("missing_identifier", None, 4),
                      ("unknown_activity", "event_name", 3), ("missing_value", "event_name", 3)],
    "orders": [("malformed_row", None, 3), ("bad_timestamp", "date", 3), ("bad_type", "montant", 4),
               ("missing_identifier", None, 3), ("unknown_activity", "type_evt", 2)],
    "store_visits": [("missing_identifier", None, 3), ("unknown_activity", "type_passage", 2),
                     ("missing_value", "type_passage", 2)],
    "tickets": [("bad_timestamp", "created_at", 3), ("missing_identifier", None, 2), ("malformed_row", None, 2)],
    "cases": [("missing_value", "ticket_id", 2), ("bad_timestamp", "created_at", 2)],
    "surveys": [("bad_type", "note", 3), ("bad_timestamp", "date_reponse", 2), ("missing_value", "type", 2),
                ("malformed_row", None, 2)],
}
EVENT_SOURCES = ("web_analytics", "orders", "store_visits", "tickets")
DUPLICATE_SHARE = 0.003


def generate_company(events: int, rng: np.random.Generator, shard: Shard = WHOLE) -> Company:
    """Generate Glisse & Co with about ``events`` event rows across its event sources.

    ``shard`` gives the identifier namespace when the company is one part of a larger one.
    """
    return fit_company(events, rng, lambda e, n, r: _generate(e, n, r, shard), per_unit=50.0, minimum=12,
                       name="retail")


def _generate(events: int, n_known: int, rng: np.random.Generator, shard: Shard) -> Company | None:
    cal = Calendar(START, DAYS, TZ, MONTHLY, WEEKLY)
    end = cal.end_ms
    catalogue, price, prod_cat = _catalogue()
    n_anon = max(2, round(0.25 * n_known))

    # ---------------------------------------------------------------- customers
    persona = rng.choice(len(PERSONAS), size=n_known, p=PERSONA_SHARE)
    in_crm = rng.random(n_known) < 0.88
    mix = MIX[persona] * rng.gamma(6.0, 1 / 6.0, size=(n_known, 4))
    mix[~in_crm, STORE] = 0
    mix[~in_crm, PHONE] = 0
    mix /= mix.sum(axis=1, keepdims=True)
    lang = languages(rng, n_known, 0.15)
    region = rng.choice(len(REGIONS), size=n_known, p=REGION_SHARE)
    home = choose(rng, HOME_STORE, region)
    has_phone = in_crm & (rng.random(n_known) < 0.85)
    n_cookies = 1 + rng.binomial(2, 0.3, n_known)
    n_devices = 1 + (rng.random(n_known) < 0.12).astype(np.int64)
    app_user = (mix[:, APP] > 0.12) | (persona == 1)
    second_email = rng.random(n_known) < 0.06
    cust = {"persona": persona, "in_crm": in_crm, "lang": lang, "region": region, "home": home,
            "has_phone": has_phone, "n_cookies": n_cookies, "n_devices": n_devices, "app_user": app_user,
            "second_email": second_email, "n_known": n_known, "n_anon": n_anon}

    it = _intents(rng, cal, persona, mix)
    n_int = it["cust"].size
    ip = persona[it["cust"]]

    # baskets (drawn for every intent; used when it becomes an order)
    n_items = 1 + rng.poisson(ITEMS[ip])
    item_int = np.repeat(np.arange(n_int), n_items)
    item_prod = _products(rng, ip[item_int])
    item_price = price[item_prod] * rng.uniform(0.85, 1.0, item_prod.size)
    it["amount"] = np.round(np.bincount(item_int, weights=item_price, minlength=n_int), 2)
    it["n_items"] = n_items
    it["item_start"] = np.cumsum(n_items) - n_items
    it["item_prod"] = item_prod
    it["first_item"] = item_prod[it["item_start"]]

    st = _store_rows(rng, cal, it, persona, home, in_crm)
    O = _orders(rng, cal, it, st, persona, shard)
    rows = _order_rows(O, end)
    tk = _tickets(rng, cal, it, O, persona, has_phone, n_known, shard)
    res = support.simulate(rng, tk["opened"], tk["channel"], TEAMS, end, can_call=has_phone[tk["cust"]],
                           forced_resolution=tk["forced"], first_response_scale=tk["frt_scale"],
                           extra_recontacts=tk["extra"], escalate=tk["escalate"])

    # ---------------------------------------------------------------- web sessions and the event budget
    S = _sessions(rng, cal, it, cust)
    n_bad = sum(c for name in EVENT_SOURCES for _, _, c in MALFORMED[name])
    n_dups = max(8, round(DUPLICATE_SHARE * events))
    structural = int(S["start_hit"].sum() + S["n_funnel"].sum() + S["anon_hits"].sum())
    budget = events - rows["n"] - st["n"] - res.step_time.size - n_bad - n_dups - structural
    fill = S["kind"] != 3
    n_fill = int(fill.sum())
    if budget < max(n_fill, 0.15 * events):
        return None
    kc = np.minimum(S["cust"], n_known - 1)
    weights = DEPTH[persona[kc]] * rng.lognormal(0, 0.5, fill.size) * np.where(S["kind"] == 0, 1.5, 1.0) * fill
    S["filler"] = fill.astype(np.int64) + rng.multinomial(budget - n_fill, weights / weights.sum())
    web = _web_hits(rng, catalogue, it, persona, S, n_known, end)

    ids = Identities(n_known + n_anon)
    people = _people(rng, cust, ids, shard)
    fb = _feedback(rng, it, O, persona, lang, tk, res, st, end)
    sources, _crm_created = _sources(rng, cal, people, cust, it, O, rows, st, tk, res, fb, S, web, ids, n_dups,
                                    catalogue, shard)
    stats = _measure(it, O, persona, S, web, tk, res, fb, n_known, prod_cat, cal)
    attrs = {
        "persona": json_values(pa.array(list(PERSONAS) + [None], pa.string()).take(
            pa.array(np.concatenate([persona, np.full(n_anon, len(PERSONAS))])))),
        "in_crm": json_values(pa.array(np.concatenate([in_crm, np.zeros(n_anon, bool)]))),
        "anonymous": json_values(pa.array(np.concatenate([np.zeros(n_known, bool), np.ones(n_anon, bool)]))),
    }
    return Company(sources, ids, attrs, truths(stats), stats)


# ============================================================================ the customers' lives

def _intents(rng: np.random.Generator, cal: Calendar, persona: np.ndarray, mix: np.ndarray) -> dict[str, np.ndarray]:
    """Purchase intents, one vectorised pass per rank (1st, 2nd, … intent of each customer).

    Each intent has a channel; online ones go through the checkout funnel (the app leaks at
    payment, half of those customers retry on the web); late deliveries cut the chance of a
    next intent by :data:`LATE_REPURCHASE_FACTOR`. Each customer has their own loyalty and pace
    (:data:`LOYALTY_CONCENTRATION`, :data:`PACE_SHAPE`), drawn from a stream of their own.
    """
    n = persona.size
    own = rng.spawn(1)[0]
    mean = REPURCHASE[persona]
    loyalty = own.beta(mean * LOYALTY_CONCENTRATION, (1 - mean) * LOYALTY_CONCENTRATION)
    pace = own.gamma(PACE_SHAPE, 1 / PACE_SHAPE, n)
    cols: dict[str, list[np.ndarray]] = {}
    alive = np.arange(n)
    u = rng.random(n) * 0.92
    for rank in range(30):
        if alive.size == 0:
            break
        c, m = alive, alive.size
        p = persona[c]
        chan = choose(rng, mix, c)
        day = cal.day_of(u)
        T = np.zeros(m, dtype=np.int64)
        for ch, hours in ((WEB, WEB_HOURS), (APP, APP_HOURS), (STORE, STORE_HOURS), (PHONE, OFFICE_HOURS)):
            sel = chan == ch
            T[sel] = cal.at(rng, day[sel], hours, closed_sunday=ch in (STORE, PHONE))
        online = chan <= APP
        g = (rng.lognormal(np.log(90), 0.6, (m, 3)) * SECOND_MS).astype(np.int64) + 20 * SECOND_MS
        cart = online & (rng.random(m) < CART_P)
        chk = cart & (rng.random(m) < CHECKOUT_P)
        paid = chk & (rng.random(m) < CONVERSION[np.minimum(chan, 1)])
        cart_t = T + g[:, 0]
        chk_t = cart_t + g[:, 1]
        pay_t = chk_t + g[:, 2]
        retry = (chan == APP) & chk & ~paid & (rng.random(m) < APP_RETRY_ON_WEB)
        retry_t = chk_t + (rng.uniform(1, 30, m) * HOUR_MS).astype(np.int64)
        retry_paid = retry & (rng.random(m) < RETRY_CONVERSION)
        retry_pay_t = retry_t + g[:, 2]
        bought = ((chan == STORE) & (rng.random(m) < np.where(p == 2, 0.8, 0.7))) | (chan == PHONE)
        ordered = paid | retry_paid | bought
        P = np.where(paid, pay_t + 3 * SECOND_MS, np.where(retry_paid, retry_pay_t + 3 * SECOND_MS,
                     np.where(chan == STORE, T + (rng.uniform(10, 45, m) * MINUTE_MS).astype(np.int64), T)))
        ord_chan = np.where(retry_paid & ~paid, WEB, chan)
        carrier = rng.choice(len(CARRIERS), size=m, p=CARRIER_SHARE)
        lm, ld = _local_month_day(P)
        peak = (lm == 12) | ((lm == 11) & (ld >= 20)) | ((lm == 1) & (ld <= 10))
        late_p = (LATE_BASE + LATE_PEAK * peak) * CARRIER_LATE[carrier]
        late = ordered & (ord_chan != STORE) & (rng.random(m) < late_p)
        for k, v in (("cust", c), ("rank", np.full(m, rank)), ("chan", chan), ("T", T), ("cart", cart),
                     ("chk", chk), ("paid", paid), ("cart_t", cart_t), ("chk_t", chk_t), ("pay_t", pay_t),
                     ("retry", retry), ("retry_t", retry_t), ("retry_paid", retry_paid),
                     ("retry_pay_t", retry_pay_t), ("ordered", ordered), ("ord_chan", ord_chan), ("P", P),
                     ("carrier", carrier), ("late", late)):
            cols.setdefault(k, []).append(v)
        cont = loyalty[c] * np.where(late, LATE_REPURCHASE_FACTOR, 1.0) * np.where(chk & ~ordered,
                                                                                   FAILED_CHECKOUT_FACTOR, 1.0)
        nxt = u + rng.exponential(GAP[p]) / pace[c] * np.where(ordered, 1.0, 0.3)
        # a customer decides to buy again only once the late parcel has arrived
        nxt = np.where(late, np.maximum(nxt, cal.seasonal(P + 14 * DAY_MS)), nxt)
        keep = (rng.random(m) < cont) & (nxt < 1.0)
        alive, u = c[keep], nxt[keep]
    return {k: np.concatenate(v) for k, v in cols.items()}


def _local_month_day(ms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    _, m, d = civil(utc_to_local(ms, TZ) // DAY_MS)
    return m, d


def _store_rows(rng, cal: Calendar, it, persona, home, in_crm) -> dict[str, Any]:
    """Loyalty-card scans: store purchase visits (with boot fittings) and workshop visits.

    Only CRM customers have a loyalty card, so only they are scanned in stores.
    """
    n_known = persona.size
    s = np.nonzero(it["chan"] == STORE)[0]
    sc = it["cust"][s]
    fit = rng.random(s.size) < FITTING_P[persona[sc]]
    n_serv = rng.poisson(SERVICING[persona]) * in_crm
    vc = np.repeat(np.arange(n_known), n_serv)
    v_t = cal.at(rng, cal.day_of(rng.random(vc.size)), STORE_HOURS, closed_sunday=True)
    visit_store = np.where(rng.random(s.size) < 0.85, home[sc], rng.integers(0, len(STORES), s.size))
    v_store = np.where(rng.random(vc.size) < 0.85, home[vc], rng.integers(0, len(STORES), vc.size))
    nf = int(fit.sum())
    cust = np.concatenate([sc, sc[fit], vc])
    t = np.concatenate([it["T"][s], it["T"][s][fit] + (rng.uniform(5, 25, nf) * MINUTE_MS).astype(np.int64), v_t])
    kind = np.concatenate([np.zeros(s.size, int), np.ones(nf, int), np.full(vc.size, 2)])
    store = np.concatenate([visit_store, visit_store[fit], v_store])
    intent = np.concatenate([s, s[fit], np.full(vc.size, -1)])
    t = outside_fold(t, TZ)
    keep = t < cal.end_ms
    cust, t, kind, store, intent = cust[keep], t[keep], kind[keep], store[keep], intent[keep]
    order = np.argsort(t, kind="stable")
    cust, t, kind, store, intent = cust[order], t[order], kind[order], store[order], intent[order]
    staff = np.where(kind == 0, -1, store * 3 + rng.integers(0, 3, cust.size))
    minutes = np.where(kind == 0, rng.integers(5, 60, cust.size),
                       np.where(kind == 1, rng.integers(20, 75, cust.size), rng.integers(5, 15, cust.size)))
    intent_store = np.full(it["cust"].size, -1)
    intent_store[s] = visit_store
    return {"cust": cust, "t": t, "kind": kind, "store": store, "staff": staff, "minutes": minutes,
            "intent": intent, "n": int(cust.size), "intent_store": intent_store}


def _orders(rng, cal: Calendar, it, st, persona, shard: Shard) -> dict[str, Any]:
    """One row per order: when it was placed, shipped, promised, delivered (late or not), returned."""
    end = cal.end_ms
    idx = np.nonzero(it["ordered"] & (it["P"] < end))[0]
    n = idx.size
    cust = it["cust"][idx]
    chan = it["ord_chan"][idx]
    remote = chan != STORE
    placed = outside_fold(it["P"][idx], TZ)
    shipped = placed + (rng.uniform(0.3, 2.0, n) * DAY_MS).astype(np.int64)
    local_day = utc_to_local(placed, TZ) // DAY_MS
    promised = local_to_utc((local_day + 4) * DAY_MS + 20 * HOUR_MS, TZ)
    late = it["late"][idx]
    delivered = np.where(late, promised + (rng.uniform(1, 8, n) * DAY_MS).astype(np.int64),
                         placed + (rng.uniform(1.5, 3.6, n) * DAY_MS).astype(np.int64))
    delivered = cal.at(rng, (utc_to_local(delivered, TZ) // DAY_MS) - cal.day0, OFFICE_HOURS)
    delivered = np.maximum(delivered, shipped + 6 * HOUR_MS)
    returned = remote & (rng.random(n) < RETURN_P[persona[cust]] + 0.05 * late)
    ret_t = delivered + (rng.uniform(1, 14, n) * DAY_MS).astype(np.int64)
    defect = rng.random(n) < 0.025
    number = concat("CMD", digits(increasing_ids(rng, placed, 24_000_000, shard), 8))
    return {"idx": idx, "cust": cust, "chan": chan, "remote": remote, "placed": placed, "shipped": shipped,
            "promised": promised, "delivered": delivered, "late": late, "carrier": it["carrier"][idx],
            "returned": returned, "ret_t": ret_t, "defect": defect, "number": number,
            "amount": it["amount"][idx], "store": st["intent_store"][idx], "n": n}


def _order_rows(O, end) -> dict[str, Any]:
    """Order-system events (placed, shipped, delivered, return requested) in time order."""
    n = O["n"]
    r = np.nonzero(O["remote"])[0]
    rr = np.nonzero(O["returned"])[0]
    order = np.concatenate([np.arange(n), r, r, rr])
    step = np.concatenate([np.zeros(n, int), np.ones(r.size, int), np.full(r.size, 2), np.full(rr.size, 3)])
    t = np.concatenate([O["placed"], O["shipped"][r], O["delivered"][r], O["ret_t"][rr]])
    t = outside_fold(t, TZ)
    keep = t < end
    order, step, t = order[keep], step[keep], t[keep]
    srt = np.lexsort((step, t))
    return {"order": order[srt], "step": step[srt], "t": t[srt], "n": int(keep.sum())}


def _tickets(rng, cal: Calendar, it, O, persona, has_phone, n_known, shard: Shard) -> dict[str, Any]:
    """Why customers contact support: one row per ticket with its need and constraints."""
    end = cal.end_ms
    parts: list[dict[str, np.ndarray]] = []
    n_o = O["n"]
    # late parcels: answered fast, solved only when the parcel arrives (SLA met, customer suffers)
    sel = np.nonzero(O["late"] & (rng.random(n_o) < 0.55))[0]
    opened = O["promised"][sel] + (rng.uniform(0.5, 2.0, sel.size) * DAY_MS).astype(np.int64)
    ok = opened < O["delivered"][sel] - 2 * HOUR_MS
    sel, opened = sel[ok], opened[ok]
    parts.append({"cust": O["cust"][sel], "opened": opened, "cat": np.full(sel.size, 0), "ref": sel,
                  "forced": O["delivered"][sel] + (rng.uniform(2, 12, sel.size) * HOUR_MS).astype(np.int64),
                  "frt_scale": np.full(sel.size, 0.35), "extra": np.full(sel.size, 2.2)})
    # returns
    sel = np.nonzero(O["returned"] & (rng.random(n_o) < 0.35))[0]
    parts.append({"cust": O["cust"][sel], "cat": np.full(sel.size, 1), "ref": sel,
                  "opened": O["ret_t"][sel] + (rng.uniform(0, 2, sel.size) * DAY_MS).astype(np.int64)})
    # defective products
    sel = np.nonzero(O["defect"])[0]
    base = np.where(O["remote"][sel], O["delivered"][sel], O["placed"][sel])
    parts.append({"cust": O["cust"][sel], "cat": np.full(sel.size, 2), "ref": sel,
                  "opened": base + (rng.uniform(3, 40, sel.size) * DAY_MS).astype(np.int64)})
    # failed app payments
    f = np.nonzero((it["chan"] == APP) & it["chk"] & ~it["paid"] & (rng.random(it["cust"].size) < 0.15))[0]
    parts.append({"cust": it["cust"][f], "cat": np.full(f.size, 3), "ref": np.full(f.size, -1),
                  "opened": it["chk_t"][f] + (rng.uniform(0.1, 3, f.size) * HOUR_MS).astype(np.int64)})
    # advice before a first purchase
    n_adv = rng.poisson(ADVICE[persona])
    ac = np.repeat(np.arange(n_known), n_adv)
    first_t = np.full(n_known, end, dtype=np.int64)
    np.minimum.at(first_t, it["cust"], it["T"])
    day = np.clip((first_t[ac] - cal.start_ms) // DAY_MS - rng.integers(0, 6, ac.size), 0, cal.days - 1)
    parts.append({"cust": ac, "cat": np.full(ac.size, 4), "ref": np.full(ac.size, -1),
                  "opened": cal.at(rng, day, OFFICE_HOURS, closed_sunday=True)})
    # the complaint wave: "charged twice" after orders placed online during one week
    w0 = instant(WAVE_START + "T00:00", TZ)
    w1 = w0 + WAVE_DAYS * DAY_MS
    in_w = np.nonzero(O["remote"] & (O["chan"] <= APP) & (O["placed"] >= w0) & (O["placed"] < w1))[0]
    p_w = max(0.6, min(1.0, 30 / max(in_w.size, 1)))
    sel = in_w[rng.random(in_w.size) < p_w]
    parts.append({"cust": O["cust"][sel], "cat": np.full(sel.size, 5), "ref": sel,
                  "opened": O["placed"][sel] + (rng.uniform(2, 48, sel.size) * HOUR_MS).astype(np.int64),
                  "forced": O["placed"][sel] + (rng.uniform(2, 5, sel.size) * DAY_MS).astype(np.int64)})
    out: dict[str, Any] = {k: np.concatenate([p[k] for p in parts]) for k in ("cust", "opened", "cat", "ref")}
    for key, dv in (("forced", 0), ("frt_scale", 1.0), ("extra", 0.0)):
        out[key] = np.concatenate([p.get(key, np.full(p["cust"].size, dv)) for p in parts])
    out["opened"] = outside_fold(out["opened"], TZ)
    keep = out["opened"] < end - HOUR_MS
    order = np.argsort(out["opened"][keep], kind="stable")
    idx = np.nonzero(keep)[0][order]
    out = {k: v[idx] for k, v in out.items()}
    n = out["cust"].size
    r = rng.random(n)
    channel = np.where(r < 0.45, 0, np.where(r < 0.8, 1, 2))
    out["channel"] = np.where((channel == 0) & ~has_phone[out["cust"]], 2, channel)
    out["escalate"] = np.where(out["cat"] == 2, 0.25, 0.06)
    out["wave"] = out["cat"] == 5
    out["id"] = increasing_ids(rng, out["opened"], 48_000, shard)
    out["n"] = n
    return out


def _sessions(rng, cal: Calendar, it, cust) -> dict[str, np.ndarray]:
    """Web and app sessions: research before intents, purchase sessions, web retries, anonymous visits."""
    end = cal.end_ms
    persona, n_known, n_anon = cust["persona"], cust["n_known"], cust["n_anon"]
    n_int = it["cust"].size
    ip = persona[it["cust"]]
    n_res = rng.poisson(RESEARCH[ip] * np.where(it["rank"] == 0, 1.0, 0.5))
    ropo = (it["chan"] == STORE) & (rng.random(n_int) < 0.5)  # research online, purchase offline
    n_res = np.where(it["chan"] <= APP, n_res, np.where(ropo, np.maximum(n_res, 1), 0))
    r_int = np.repeat(np.arange(n_int), n_res)
    r_start = it["T"][r_int] - (rng.uniform(0.05, 12, r_int.size) * DAY_MS).astype(np.int64)
    r_start = np.maximum(r_start, cal.start_ms + (rng.uniform(0, 1, r_int.size) * HOUR_MS).astype(np.int64))
    r_cust = it["cust"][r_int]
    r_app = cust["app_user"][r_cust] & (rng.random(r_int.size) < 0.4)
    iw = np.nonzero(it["chan"] <= APP)[0]
    ir = np.nonzero(it["retry"])[0]
    per_anon = 1 + rng.binomial(2, 0.3, n_anon)
    a_cust = n_known + np.repeat(np.arange(n_anon), per_anon)
    a_start = cal.at(rng, cal.day_of(rng.random(a_cust.size)), WEB_HOURS)
    kind = np.concatenate([np.zeros(r_int.size, int), np.ones(iw.size, int), np.full(ir.size, 2),
                           np.full(a_cust.size, 3)])
    intent = np.concatenate([r_int, iw, ir, np.full(a_cust.size, -1)])
    who = np.concatenate([r_cust, it["cust"][iw], it["cust"][ir], a_cust])
    app = np.concatenate([r_app, it["chan"][iw] == APP, np.zeros(ir.size, bool), np.zeros(a_cust.size, bool)])
    anchor = np.concatenate([r_start, it["T"][iw], it["retry_t"][ir], a_start])
    keep = anchor < end - HOUR_MS
    kind, intent, who, app, anchor = kind[keep], intent[keep], who[keep], app[keep], anchor[keep]
    n = kind.size
    known = who < n_known
    kc = np.where(known, who, 0)
    n_cookies, n_devices = cust["n_cookies"], cust["n_devices"]
    cookie_base = np.concatenate([[0], np.cumsum(n_cookies)])
    device_base = np.concatenate([[0], np.cumsum(n_devices)])
    cookie = np.where(~app & known, cookie_base[kc] + (rng.random(n) * n_cookies[kc]).astype(np.int64), -1)
    cookie = np.where(known, cookie, cookie_base[-1] + (who - n_known))
    device = np.where(app, device_base[kc] + (rng.random(n) * n_devices[kc]).astype(np.int64), -1)
    logged = known & (app | (kind != 0) | (rng.random(n) < 0.3))
    first_on_cookie = np.zeros(n, dtype=bool)
    wk = np.nonzero(~app & known)[0]
    first_on_cookie[wk] = first_of_groups(cookie[wk], anchor[wk])
    logged |= first_on_cookie  # every cookie is seen logged in at least once (so it can be stitched)
    second = (logged & ~app & known & cust["second_email"][kc] & ~first_on_cookie & (kind == 0)
              & (rng.random(n) < 0.5))
    email = np.where(logged, kc + np.where(second, n_known, 0), -1)
    start_hit = np.where(app, 1, np.where(logged & (rng.random(n) < 0.5), 1, 0))
    si = np.maximum(intent, 0)
    n_funnel = np.where(kind == 1, 1 + it["cart"][si] + it["chk"][si] + it["paid"][si],
                        np.where(kind == 2, 1 + it["retry_paid"][si], 0))
    anon_hits = np.where(kind == 3, 1 + rng.poisson(2.5, n), 0)
    return {"kind": kind, "intent": intent, "cust": who, "app": app, "anchor": anchor, "cookie": cookie,
            "device": device, "email": email, "start_hit": start_hit, "n_funnel": n_funnel,
            "anon_hits": anon_hits, "n": n}


def _web_hits(rng, catalogue, it, persona, S, n_known, end) -> dict[str, Any]:
    """Every hit of every session: content code and time, vectorised over all hits."""
    vocab, lay = _content_vocab(catalogue)
    hits_per = S["start_hit"] + S["filler"] + S["n_funnel"] + S["anon_hits"]
    n_s = S["n"]
    h_sess = np.repeat(np.arange(n_s), hits_per)
    pos = positions(hits_per)
    n_h = h_sess.size
    kind = S["kind"][h_sess]
    pre = (S["start_hit"] + S["filler"] + S["anon_hits"])[h_sess]
    is_start = pos < S["start_hit"][h_sess]
    is_funnel = pos >= pre
    who = S["cust"][h_sess]
    known = who < n_known
    pers = np.where(known, persona[np.where(known, who, 0)], 4)
    p3 = np.minimum(pers, 3)
    app = S["app"][h_sess]
    act = choose(rng, FILLER_MIX, pers)
    act = np.where(app & (act == 4), 0, act)  # no store locator in the app
    prod = _products(rng, p3)
    page = choose(rng, PAGE_W, p3)
    term = lay["search_offsets"][p3] + (rng.random(n_h) * lay["search_counts"][p3]).astype(np.int64)
    code = np.select([act == 0, act == 1, act == 2, act == 3],
                     [lay["pages"] + page, lay["product_view"] + prod, lay["search"] + term,
                      lay["wishlist_add"] + prod], np.full(n_h, lay["store_locator"]))
    code = np.where(is_start, np.where(app, lay["app_open"], lay["login"]), code)
    fpos = pos - pre
    si = np.maximum(S["intent"][h_sess], 0)
    fi = it["first_item"][si]
    purchase = np.select([fpos == 0, fpos == 1, fpos == 2],
                         [lay["product_view"] + fi, lay["add_to_cart"] + fi, np.full(n_h, lay["checkout_start"])],
                         np.full(n_h, lay["payment"]))
    retry = np.where(fpos == 0, lay["checkout_start"], lay["payment"])
    code = np.where(is_funnel, np.where(kind == 1, purchase, retry), code)
    code = np.where(app, lay["app"], lay["web"]) + code
    # times: hits before the funnel lead up to its anchor; other sessions start at their anchor
    gap = (rng.lognormal(np.log(35), 0.8, n_h) * SECOND_MS).astype(np.int64) + SECOND_MS
    excl = np.cumsum(gap) - gap
    first = np.cumsum(hits_per) - hits_per
    e = excl - excl[first][h_sess]
    has_funnel = S["n_funnel"] > 0
    anchor_pos = np.where(has_funnel, S["start_hit"] + S["filler"] + S["anon_hits"], 0)
    last = max(n_h - 1, 0)
    e_anchor = (np.where(has_funnel & (hits_per > 0),
                         excl[np.minimum(first + anchor_pos, last)] - excl[np.minimum(first, last)], 0)
                if n_h else np.zeros(n_s, dtype=np.int64))
    A = S["anchor"][h_sess]
    t = np.where(has_funnel[h_sess], A - (e_anchor[h_sess] - e), A + e)
    funnel_t = np.select([fpos == 0, fpos == 1, fpos == 2], [it["T"][si], it["cart_t"][si], it["chk_t"][si]],
                         it["pay_t"][si])
    retry_t = np.where(fpos == 0, it["retry_t"][si], it["retry_pay_t"][si])
    t = np.where(is_funnel, np.where(kind == 1, funnel_t, retry_t), t)
    t = t + rng.integers(0, 1000, n_h)  # milliseconds
    keep = t < end
    order = np.argsort(t[keep], kind="stable")
    idx = np.nonzero(keep)[0][order]
    return {"vocab": vocab, "sess": h_sess[idx], "code": code[idx], "t": t[idx], "n": int(idx.size)}


def _people(rng, cust, ids: Identities, shard: Shard) -> dict[str, Any]:
    """Names and identifiers of everyone (distinct by construction), registered in the identity book.

    Shard ``i`` of a large company numbers its e-mails from ``1000 i`` (camille.martin3012@…) and
    draws its phones, cookies, devices and cards in its own residue class (:class:`Shard`).
    """
    n_known, n_anon = cust["n_known"], cust["n_anon"]
    firsts = list(FIRST_M) + list(FIRST_F)
    nf, nl = len(firsts), len(LAST)
    code = distinct(rng, n_known, nf * nl * 1000)
    first, last, num = code // (nl * 1000), (code // 1000) % nl, code % 1000 + 1000 * shard.index
    num_s = pc.if_else(pa.array(num == 0), "", pc.cast(pa.array(num), pa.string()))
    local = concat(take([ascii_slug(x) for x in firsts], first), ".", take([ascii_slug(x) for x in LAST], last),
                   num_s)
    email = concat(local, "@", take(list(DOMAINS), rng.choice(len(DOMAINS), size=n_known, p=DOMAIN_SHARE)))
    work = concat(local, "@", take(list(WORK_DOMAINS), rng.integers(0, len(WORK_DOMAINS), n_known)))
    email_all = pa.concat_arrays([email, work])
    email_base = ids.add("email", email_all, np.concatenate([np.arange(n_known), np.arange(n_known)]))
    phone_num = shard.draw(rng, n_known, 2 * 10**8) + 6 * 10**8  # national 6xxxxxxxx / 7xxxxxxxx
    phone_norm = concat("+33", digits(phone_num, 9))
    phone_base = ids.add("phone", phone_norm, np.arange(n_known))
    fmt = rng.choice(len(PHONE_FORMATS), size=n_known, p=PHONE_FORMAT_SHARE)
    phone_written = pc.choose(pa.array(fmt, pa.int8()), *[fill_pattern(phone_num, f) for f in PHONE_FORMATS])
    n_ck = int(cust["n_cookies"].sum()) + n_anon
    cookie = concat(digits(shard.draw(rng, n_ck, 9 * 10**9) + 10**9, 10), ".",
                    digits(rng.integers(1_690_000_000, 1_756_000_000, n_ck), 10))
    cookie_owner = np.concatenate([np.repeat(np.arange(n_known), cust["n_cookies"]), n_known + np.arange(n_anon)])
    cookie_base = ids.add("cookie", cookie, cookie_owner)
    n_dev = int(cust["n_devices"].sum())
    h1 = digits(shard.draw(rng, n_dev, 2**48), 12, "HEX")
    h2 = concat(digits(rng.integers(0, 16**10, n_dev), 10, "HEX"), digits(rng.integers(0, 16**10, n_dev), 10, "HEX"))
    sl = pc.utf8_slice_codeunits
    device = concat(sl(h1, 0, 8), "-", sl(h1, 8, 12), "-", sl(h2, 0, 4), "-", sl(h2, 4, 8), "-", sl(h2, 8, 20))
    device_base = ids.add("device_id", device, np.repeat(np.arange(n_known), cust["n_devices"]))
    card = concat("GC", digits(shard.draw(rng, n_known, 9 * 10**9) + 10**9, 10))
    card_base = ids.add("loyalty_card", card, np.arange(n_known))
    return {"email": email, "email_all": email_all, "email_base": email_base, "phone_written": phone_written,
            "phone_norm": phone_norm, "phone_base": phone_base, "cookie": cookie, "cookie_base": cookie_base,
            "device": device, "device_base": device_base, "card": card, "card_base": card_base,
            "first": take(firsts, first), "last": take(list(LAST), last),
            "civ": pa.array(np.where(first < len(FIRST_M), "M.", "Mme"))}


def _feedback(rng, it, O, persona, lang, tk, res, st, end) -> dict[str, Any]:
    """Survey answers after deliveries, store visits and tickets; product and app reviews; the wave."""
    bank = Bank(RETAIL)
    A = bank.aspect
    parts: list[dict[str, Any]] = []
    n_o = O["n"]
    # 1. after a delivery: NPS or CSAT; late parcels score low and talk about the delivery
    sel = np.nonzero(O["remote"] & (rng.random(n_o) < 0.22))[0]
    c, lt, p = O["cust"][sel], O["late"][sel], persona[O["cust"][sel]]
    m = sel.size
    nps = rng.random(m) < 0.6
    shift = np.array([0.3, 0.0, -0.8, -0.2])[p]
    nps_score = np.clip(np.round(np.where(lt, rng.normal(3.5, 2.0, m), rng.normal(8.6 + shift, 1.3))), 0, 10)
    csat_score = np.clip(np.round(np.where(lt, rng.normal(2.1, 0.9, m), rng.normal(4.45 + shift / 3, 0.6))), 1, 5)
    score = np.where(nps, nps_score, csat_score)
    good = np.where(nps, score >= 7, score >= 4)
    main = np.array([A("staff"), A("product_quality"), A("price"), A("sizing")])[p]
    alt = np.array([A("price"), A("app"), A("product_quality"), A("returns")])[p]
    a1 = np.where(lt, A("delivery"), np.where(rng.random(m) < 0.6, main, A("delivery")))
    s1 = np.where(lt | ~good, -1, 1)
    s1 = np.where((a1 == A("price")) & (p == 2), -1, s1)  # experts find it expensive
    a2 = np.where(rng.random(m) < 0.45, np.where(lt, np.where(rng.random(m) < 0.5, A("staff"), A("waiting_time")),
                                                  alt), -1)
    a2 = np.where(a2 == a1, -1, a2)
    s2 = np.where(lt & (a2 == A("staff")), 1, np.where(lt | ~good, -1, 1))
    parts.append({"cust": c, "t": O["delivered"][sel] + (rng.uniform(1, 6, m) * DAY_MS).astype(np.int64),
                  "kind": np.where(nps, "nps", "csat"), "score": score, "a1": a1, "s1": s1, "a2": a2, "s2": s2,
                  "text_p": 0.6, "channel": "email", "touchpoint": "livraison", "order": sel})
    # 2. product reviews on the website
    sel = np.nonzero(rng.random(n_o) < 0.08)[0]
    c, p, m = O["cust"][sel], persona[O["cust"][sel]], sel.size
    stars = np.clip(np.round(np.where(O["defect"][sel], rng.normal(1.5, 0.7, m),
                                      rng.normal(np.array([4.4, 4.3, 3.6, 4.1])[p], 0.8))), 1, 5)
    good = stars >= 4
    a1 = np.where(O["defect"][sel] | (rng.random(m) < 0.6), A("product_quality"),
                  np.where(p == 3, A("sizing"), A("price")))
    a2 = np.where(rng.random(m) < 0.35, np.where(p == 3, A("sizing"), A("price")), -1)
    a2 = np.where(a2 == a1, -1, a2)
    base = np.where(O["remote"][sel], O["delivered"][sel], O["placed"][sel])
    parts.append({"cust": c, "t": base + (rng.uniform(2, 20, m) * DAY_MS).astype(np.int64), "kind": "review",
                  "score": stars, "a1": a1, "s1": np.where(good, 1, -1), "a2": a2,
                  "s2": np.where(p == 2, -1, np.where(good, 1, -1)), "text_p": 0.9, "channel": "web",
                  "touchpoint": "produit", "order": sel})
    # 3. after a store purchase visit: CSAT on the staff (one store disappoints)
    sv = np.nonzero((st["kind"] == 0) & (rng.random(st["n"]) < 0.2))[0]
    m = sv.size
    out = st["store"][sv] == OUTLIER_STORE
    score = np.clip(np.round(np.where(out, rng.normal(2.7, 0.9, m), rng.normal(4.5, 0.6, m))), 1, 5)
    good = score >= 4
    a2 = np.where(out & (rng.random(m) < 0.6), A("waiting_time"), np.where(rng.random(m) < 0.3, A("price"), -1))
    parts.append({"cust": st["cust"][sv], "t": st["t"][sv] + (rng.uniform(2, 48, m) * HOUR_MS).astype(np.int64),
                  "kind": "csat", "score": score, "a1": np.full(m, A("staff")), "s1": np.where(good, 1, -1),
                  "a2": a2, "s2": np.where(out | ~good, -1, 1), "text_p": 0.5, "channel": "store",
                  "touchpoint": "magasin", "store": st["store"][sv]})
    # 4. after a solved ticket: CSAT, worse for the weak team and with each re-contact
    done = np.nonzero((res.resolved < end) & (rng.random(tk["n"]) < 0.35))[0]
    m = done.size
    mean = (4.4 - 1.5 * (res.team[done] == WEAK_TEAM) - 0.3 * np.minimum(res.recontacts[done], 4)
            - 0.6 * res.reopened[done])
    score = np.clip(np.round(rng.normal(mean, 0.7)), 1, 5)
    good = score >= 4
    parts.append({"cust": tk["cust"][done],
                  "t": res.resolved[done] + (rng.uniform(1, 30, m) * HOUR_MS).astype(np.int64), "kind": "csat",
                  "score": score, "a1": np.where(good, A("staff"), A("waiting_time")),
                  "s1": np.where(good, 1, -1), "a2": np.where(rng.random(m) < 0.3, A("staff"), -1),
                  "s2": np.where(good, 1, -1), "text_p": 0.55,
                  "channel": np.array(support.CHANNELS)[tk["channel"][done]], "touchpoint": "service_client",
                  "ticket": done})
    # 5. app-store reviews after a failed payment in the app
    f = np.nonzero((it["chan"] == APP) & it["chk"] & ~it["paid"] & (rng.random(it["cust"].size) < 0.12))[0]
    m = f.size
    parts.append({"cust": it["cust"][f],
                  "t": it["chk_t"][f] + (rng.uniform(0.2, 20, m) * HOUR_MS).astype(np.int64), "kind": "review",
                  "score": rng.integers(1, 3, m).astype(float), "a1": np.full(m, A("app")),
                  "s1": np.full(m, -1), "a2": np.where(rng.random(m) < 0.3, A("website"), -1),
                  "s2": np.full(m, 1), "text_p": 0.95, "channel": "app", "touchpoint": "application"})

    def col(key: str, default: Any, dtype: Any) -> np.ndarray:
        return np.concatenate([np.broadcast_to(np.asarray(q.get(key, default)), q["cust"].shape)
                               for q in parts]).astype(dtype)

    cust = col("cust", -1, np.int64)
    n = cust.size
    a1, s1, a2, s2 = col("a1", 0, np.int64), col("s1", 1, np.int64), col("a2", -1, np.int64), col("s2", 1, np.int64)
    ln = lang[cust]
    text, labels = bank.compose(rng, ln, a1, s1, a2, s2)
    has_text = rng.random(n) < col("text_p", 0.5, float)
    null = pa.scalar(None, pa.string())
    # the complaint wave, as free text on the contact form
    w = np.nonzero(tk["wave"] & (rng.random(tk["n"]) < 0.5))[0]
    wl = lang[tk["cust"][w]]
    wt = np.where(wl == FR, rng.integers(0, 3, w.size), 3)
    wave_text = concat(take([x[0] for x in WAVE_TEXTS], wt), O["number"].take(pa.array(tk["ref"][w])),
                       take([x[1] for x in WAVE_TEXTS], wt))
    all_cust = np.concatenate([cust, tk["cust"][w]])
    wave_t = tk["opened"][w] + (rng.uniform(0.1, 6, w.size) * HOUR_MS).astype(np.int64)
    t = np.concatenate([col("t", 0, np.int64), wave_t])
    data = {
        "kind": np.concatenate([col("kind", "", object), np.full(w.size, "free_text", dtype=object)]),
        "score": np.concatenate([col("score", np.nan, float), np.full(w.size, np.nan)]),
        "channel": np.concatenate([col("channel", "", object), np.full(w.size, "web", dtype=object)]),
        "touchpoint": np.concatenate([col("touchpoint", "", object),
                                      np.full(w.size, "formulaire_contact", dtype=object)]),
        "order": np.concatenate([col("order", -1, np.int64), tk["ref"][w]]),
        "ticket": np.concatenate([col("ticket", -1, np.int64), w]),
        "store": np.concatenate([col("store", -1, np.int64), np.full(w.size, -1)]),
        "language": np.concatenate([np.where(has_text, np.where(ln == FR, "fr", "en"), None),
                                    np.where(wl == FR, "fr", "en")]).astype(object),
        "wave": np.concatenate([np.zeros(n, bool), np.ones(w.size, bool)]),
    }
    text = pa.concat_arrays([pc.if_else(pa.array(has_text), text, null), wave_text])
    labels = pa.concat_arrays([pc.if_else(pa.array(has_text), labels, null),
                               pa.array(["payment:-"] * w.size, pa.string())])
    t = outside_fold(t, TZ)
    keep = t < end
    idx = np.nonzero(keep)[0][np.argsort(t[keep], kind="stable")]
    out = {k: v[idx] for k, v in data.items()}
    out.update(cust=all_cust[idx], t=t[idx], text=text.take(pa.array(idx)), labels=labels.take(pa.array(idx)),
               n=int(idx.size))
    return out


def _sources(rng, cal, people, cust, it, O, rows, st, tk, res, fb, S, web, ids: Identities, n_dups, catalogue,
             shard: Shard):
    """The company's exports, each with its own conventions (names, delimiters, time formats)."""
    n_known = cust["n_known"]
    persona, in_crm, region = cust["persona"], cust["in_crm"], cust["region"]
    null = pa.scalar(None, pa.string())
    sizes = {"web_analytics": web["n"], "orders": rows["n"], "store_visits": st["n"], "tickets": res.step_time.size}
    total = max(1, sum(sizes.values()))
    dups = {k: max(1, round(n_dups * v / total)) for k, v in sizes.items()}
    sources: list[Source] = []

    # --- CRM customers: ';', French headers, dd/mm/YYYY creation dates, phones as typed
    card_used = np.zeros(n_known, dtype=bool)
    card_used[st["cust"]] = True
    card_used |= in_crm & (rng.random(n_known) < 0.05)
    first_t = np.full(n_known, cal.end_ms, dtype=np.int64)
    np.minimum.at(first_t, it["cust"], it["T"])
    created = np.where(rng.random(n_known) < 0.5, first_t - (rng.exponential(250, n_known) * DAY_MS).astype(np.int64),
                       first_t - (rng.uniform(0, 1, n_known) * HOUR_MS).astype(np.int64))
    crm = np.nonzero(in_crm)[0]
    crm = crm[np.argsort(created[crm], kind="stable")]
    crm_id = concat("CLI", digits(shard.spread(10_000 + np.cumsum(rng.integers(1, 5, crm.size)), 10_000), 7))
    crm_base = ids.add("crm_id", crm_id, crm)
    crm_code = np.full(n_known, -1)
    crm_code[crm] = crm_base + np.arange(crm.size)
    crm_text = pa.concat_arrays([crm_id, pa.array([None], pa.string())]).take(
        pa.array(np.where(crm_code >= 0, crm_code - crm_base, crm.size)))  # per customer
    ids.use("crm_id", crm_code[crm])
    ids.use("email", people["email_base"] + crm)
    ids.use("phone", people["phone_base"] + crm[cust["has_phone"][crm]])
    ids.use("loyalty_card", people["card_base"] + crm[card_used[crm]])
    ci = pa.array(crm)
    segment = np.where(persona[crm] == 2, np.where(rng.random(crm.size) < 0.5, "club", "premium"),
                       np.where(rng.random(crm.size) < 0.12, "premium", "particulier"))
    crm_table = pa.table({
        "id_client": crm_id, "civilite": people["civ"].take(ci), "prenom": people["first"].take(ci),
        "nom": people["last"].take(ci), "email": email_as_typed(rng, people["email"].take(ci), 0.25),
        "telephone": pc.if_else(pa.array(cust["has_phone"][crm]), people["phone_written"].take(ci), null),
        "carte_fidelite": pc.if_else(pa.array(card_used[crm]), people["card"].take(ci), null),
        "date_creation": pa.array(created[crm], pa.int64()), "segment": pa.array(segment),
        "region": take(list(REGIONS), region[crm]),
        "code_postal": concat(digits(DEPARTMENTS[region[crm]], 2), digits(rng.integers(0, 1000, crm.size), 3)),
        "optin_email": pa.array(np.where(rng.random(crm.size) < 0.6, "oui", "non")),
    })
    sources.append(Source(
        "crm_customers", "crm_customers", "csv", "customers", [Block(crm_table)], {"date_creation": "%d/%m/%Y"},
        tz=TZ, delimiter=";", columns={"created_at": "date_creation", "segment": "segment", "region": "region"},
        identifiers={"crm_id": "id_client", "email": "email", "phone": "telephone", "loyalty_card": "carte_fidelite"},
        malformed=MALFORMED["crm_customers"]))

    # --- web analytics: ',', ISO UTC timestamps with Z and milliseconds
    n_s = S["n"]
    ids.use("cookie", people["cookie_base"] + S["cookie"][S["cookie"] >= 0])
    ids.use("device_id", people["device_base"] + S["device"][S["device"] >= 0])
    ids.use("email", people["email_base"] + S["email"][S["email"] >= 0])
    kc = np.minimum(S["cust"], n_known - 1)
    pm = np.where(S["cust"] < n_known, persona[kc], 0)
    mobile = rng.random(n_s) < np.array([0.4, 0.7, 0.3, 0.5])[pm]
    web_dev = np.where(mobile, 1, np.where(rng.random(n_s) < 0.85, 0, 2))
    sessions = pa.table({
        "session_id": concat("s", digits(shard.draw(rng, n_s, 16**12), 12, "hex")),
        "visitor_id": take_or_null(people["cookie"], S["cookie"]),
        "device_id": take_or_null(people["device"], S["device"]),
        "login_email": take_or_null(people["email_all"], S["email"]),
        "platform": pa.array(np.where(S["app"], "app", "web")),
        "device_type": pa.array(np.where(S["app"], APP_DEVICE[rng.integers(0, 2, n_s)], WEB_DEVICE[web_dev])),
    })
    sources.append(Source(
        "web_analytics", "web_analytics", "csv", "events",
        [Block(pa.table({"hit_time": pa.array(web["t"], pa.int64())})), Block(sessions, web["sess"]),
         Block(web["vocab"], web["code"])],
        {"hit_time": "%Y-%m-%dT%H:%M:%S.%gZ"}, tz="UTC", delimiter=",",
        columns={"timestamp": "hit_time", "activity": "event_name", "channel": "platform"},
        identifiers={"cookie": "visitor_id", "device_id": "device_id", "email": "login_email"},
        activities=WEB_ACTIVITIES, malformed=MALFORMED["web_analytics"], duplicates=dups["web_analytics"]))

    # --- orders: JSON Lines, dd/mm/YYYY HH:MM in Paris time, CRM id and/or e-mail
    j, step, t = rows["order"], rows["step"], rows["t"]
    oc = O["cust"][j]
    ochan = O["chan"][j]
    has_crm = in_crm[oc]
    with_email = ~has_crm | ((ochan <= APP) & (rng.random(j.size) < 0.6))
    ids.use("crm_id", crm_code[oc[has_crm]])
    ids.use("email", people["email_base"] + oc[with_email])
    placed_row = step == 0
    intent = O["idx"][j]
    counts = np.where(placed_row, it["n_items"][intent], 0)
    item_rows = np.repeat(it["item_start"][intent], counts) + positions(counts)
    skus = catalogue.column("sku").combine_chunks().take(pa.array(it["item_prod"][item_rows]))
    items = pa.ListArray.from_arrays(pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)), skus,
                                     mask=pa.array(~placed_row))
    amount = np.where(placed_row, O["amount"][j], np.nan)
    order_tab = pa.table({
        "id_evt": concat("E", digits(increasing_ids(rng, t, 7_000_000, shard), 9)),
        "num_commande": O["number"].take(pa.array(j)), "date": pa.array(t, pa.int64()),
        "type_evt": take(ORDER_ACTIVITIES, step), "canal": take(list(CHANNELS), ochan),
        "client_id": pc.if_else(pa.array(has_crm), crm_text.take(pa.array(oc)), null),
        "email": pc.if_else(pa.array(with_email), people["email"].take(pa.array(oc)), null),
        "montant": pa.array(amount, pa.float64(), mask=~placed_row),
        "devise": pa.array(np.where(placed_row, "EUR", None), pa.string()),
        "magasin": pc.if_else(pa.array(placed_row & (ochan == STORE)),
                              take(list(STORES), np.maximum(O["store"][j], 0)), null),
        "transporteur": pc.if_else(pa.array(step == 1), take(list(CARRIERS), O["carrier"][j]), null),
        "livraison_prevue": pa.array(O["promised"][j], pa.int64(), mask=step != 2),
        "statut_livraison": pc.if_else(pa.array(step == 2),
                                       pa.array(np.where(O["late"][j], "en_retard", "a_l_heure")), null),
        "articles": items,
    })
    sources.append(Source(
        "orders", "orders", "jsonl", "events", [Block(order_tab)],
        {"date": "%d/%m/%Y %H:%M", "livraison_prevue": "%d/%m/%Y"}, tz=TZ,
        columns={"event_id": "id_evt", "timestamp": "date", "activity": "type_evt", "channel": "canal",
                 "value": "montant", "outcome": "statut_livraison", "location": "magasin"},
        identifiers={"crm_id": "client_id", "email": "email"}, activities=ORDER_ACTIVITIES,
        malformed=MALFORMED["orders"], duplicates=dups["orders"]))

    # --- store visits: Parquet with local wall-clock timestamps
    ids.use("loyalty_card", people["card_base"] + st["cust"])
    store_tab = pa.table({
        "id_passage": pa.array(increasing_ids(rng, st["t"], 900_000, shard), pa.int64()),
        "horodatage": pa.array(st["t"], pa.int64()), "magasin": take(list(STORES), st["store"]),
        "carte_fidelite": people["card"].take(pa.array(st["cust"])),
        "type_passage": take(STORE_ACTIVITIES, st["kind"]),
        "vendeur": take_or_null(list(STAFF), st["staff"]),
        "duree_min": pa.array(st["minutes"], pa.int64()),
    })
    sources.append(Source(
        "store_visits", "store_visits", "parquet", "events", [Block(store_tab)], {"horodatage": "%Y-%m-%d %H:%M:%S"},
        tz=TZ, parquet_local=True,
        columns={"event_id": "id_passage", "timestamp": "horodatage", "activity": "type_passage",
                 "location": "magasin", "agent": "vendeur"},
        constants={"channel": "store"}, identifiers={"loyalty_card": "carte_fidelite"}, activities=STORE_ACTIVITIES,
        malformed=MALFORMED["store_visits"], duplicates=dups["store_visits"]))

    # --- tickets: one audit row per step (epoch milliseconds), one case per ticket (ISO with offset)
    tc = tk["cust"]
    with_phone = cust["has_phone"][tc] & ((tk["channel"] == 0) | (rng.random(tk["n"]) < 0.3))
    ids.use("email", people["email_base"] + tc)
    ids.use("phone", people["phone_base"] + tc[with_phone])
    ticket_id = pc.cast(pa.array(tk["id"]), pa.string())
    team_names = [t.name for t in TEAMS]
    requester = {"requester_email": people["email"].take(pa.array(tc)),
                 "requester_phone": pc.if_else(pa.array(with_phone), people["phone_norm"].take(pa.array(tc)), null)}
    srt = np.argsort(res.step_time, kind="stable")
    st_time, st_act = res.step_time[srt], res.step_action[srt]
    steps = pa.table({
        "audit_id": pc.cast(pa.array(increasing_ids(rng, st_time, 31_000_000, shard)), pa.string()),
        "created_at": pa.array(st_time, pa.int64()), "action": take(list(support.ACTIONS), st_act),
        "via": take(list(support.CHANNELS), res.step_channel[srt]),
        "agent": take_or_null(list(res.agents), res.step_agent[srt]),
    })
    info = pa.table({"ticket_id": ticket_id, "group": take(team_names, res.team), **requester})
    sources.append(Source(
        "tickets", "tickets", "csv", "events",
        [Block(steps), Block(info, res.step_ticket[srt]),
         Block(pa.table({"status": take(list(support.STATUS_AFTER), st_act)}))],
        {"created_at": "epoch_ms"}, tz="UTC", delimiter=",",
        columns={"event_id": "audit_id", "timestamp": "created_at", "activity": "action", "channel": "via",
                 "agent": "agent", "team": "group", "case_id": "ticket_id"},
        identifiers={"email": "requester_email", "phone": "requester_phone"}, activities=list(support.ACTIONS),
        malformed=MALFORMED["tickets"], duplicates=dups["tickets"]))
    cat = tk["cat"]
    n_t = tk["n"]
    ref = pc.if_else(pa.array(tk["ref"] >= 0), O["number"].take(pa.array(np.maximum(tk["ref"], 0))), "")
    count = np.array([len(SUBJECTS[c]) for c in range(len(TICKET_CATEGORIES))])
    base = np.concatenate([[0], np.cumsum(count)])[:-1]
    pick = base[cat] + (rng.random(n_t) * count[cat]).astype(np.int64)
    subject = concat(take([b for c in range(len(count)) for b, _ in SUBJECTS[c]], pick), ref,
                     take([a for c in range(len(count)) for _, a in SUBJECTS[c]], pick))
    answered = res.first_response < cal.end_ms
    solved = res.resolved < cal.end_ms
    prio = np.where(cat == 5, "high", np.where((cat == 2) & (rng.random(n_t) < 0.5), "high",
                    np.where(rng.random(n_t) < 0.1, "low", "normal")))
    case_tab = pa.table({
        "ticket_id": ticket_id, "created_at": pa.array(tk["opened"], pa.int64()),
        "solved_at": pa.array(res.resolved, pa.int64(), mask=~solved),
        "type": take(list(CATEGORY_KIND), cat), "category": take(list(TICKET_CATEGORIES), cat),
        "status": pa.array(res.status), "priority": pa.array(prio),
        "assignee": take(list(res.agents), res.owner), "group": take(team_names, res.team),
        "via": take(list(support.CHANNELS), tk["channel"]), "subject": subject, **requester,
        "sla_first_reply": pc.if_else(pa.array(answered), pa.array(np.where(res.sla_met, "met", "breached")), null),
        "first_reply_hours": pa.array(np.round((res.first_response - tk["opened"]) / HOUR_MS, 1), pa.float64(),
                                      mask=~answered),
    })
    sources.append(Source(
        "cases", "cases", "csv", "cases", [Block(case_tab)],
        {"created_at": "%Y-%m-%dT%H:%M:%S%z", "solved_at": "%Y-%m-%dT%H:%M:%S%z"}, tz=TZ, delimiter=",",
        columns={"case_id": "ticket_id", "opened_at": "created_at", "closed_at": "solved_at", "kind": "type",
                 "category": "category", "status": "status", "priority": "priority", "owner": "assignee",
                 "team": "group", "channel": "via"},
        identifiers={"email": "requester_email", "phone": "requester_phone"}, malformed=MALFORMED["cases"]))

    # --- surveys: ';', local "YYYY-mm-dd HH:MM:SS", French and English verbatims
    fc = fb["cust"]
    ids.use("email", people["email_base"] + fc)
    score = fb["score"]
    survey_tab = pa.table({
        "id_reponse": concat("R", digits(increasing_ids(rng, fb["t"], 5_000_000, shard), 8)),
        "date_reponse": pa.array(fb["t"], pa.int64()),
        "email_repondant": email_as_typed(rng, people["email"].take(pa.array(fc)), 0.1),
        "type": pa.array(fb["kind"].astype(str)),
        "note": pa.array(np.nan_to_num(score).astype(np.int64), pa.int64(), mask=np.isnan(score)),
        "commentaire": fb["text"], "langue": pa.array(fb["language"], pa.string()),
        "canal": pa.array(fb["channel"].astype(str)), "point_de_contact": pa.array(fb["touchpoint"].astype(str)),
        "ref_ticket": take_or_null(ticket_id, fb["ticket"]),
        "num_commande": take_or_null(O["number"], fb["order"]),
        "magasin": take_or_null(list(STORES), fb["store"]),
    })
    sources.append(Source(
        "surveys", "surveys", "csv", "feedback", [Block(survey_tab)], {"date_reponse": "%Y-%m-%d %H:%M:%S"},
        tz=TZ, delimiter=";",
        columns={"feedback_id": "id_reponse", "timestamp": "date_reponse", "kind": "type", "score": "note",
                 "text": "commentaire", "language": "langue", "channel": "canal", "touchpoint": "point_de_contact",
                 "case_id": "ref_ticket"},
        identifiers={"email": "email_repondant"}, malformed=MALFORMED["surveys"],
        duplicates=max(2, round(DUPLICATE_SHARE * fb["n"]))))
    return sources, created


def _r(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 4)


def _measure(it, O, persona, S, web, tk, res, fb, n_known, prod_cat, cal: Calendar) -> dict[str, Any]:
    """What the truths say about the generated rows, as counts, tallies and small samples.

    Everything here adds up across the shards of a large company (see
    :func:`parcours.synth.truth.merge_stats`); :func:`truths` turns it into the truth entries.
    """
    end = cal.end_ms
    # leak: checkout_start -> payment per platform, per session, measured on the hits
    ev = np.asarray(web["vocab"].column("event_name").to_pylist(), dtype=object)
    is_chk, is_pay = (ev == "checkout_start")[web["code"]], (ev == "payment")[web["code"]]
    has_chk = np.bincount(web["sess"], weights=is_chk, minlength=S["n"]) > 0
    has_pay = np.bincount(web["sess"], weights=is_pay, minlength=S["n"]) > 0
    leak = {}
    for name, sel in (("web", ~S["app"]), ("app", S["app"])):
        c = has_chk & sel
        leak[name] = {"checkout": int(c.sum()), "payment": int((c & has_pay).sum())}

    # moment of truth: a late first delivery cuts repurchase
    last_placed = np.full(n_known, -1, dtype=np.int64)
    np.maximum.at(last_placed, O["cust"], O["placed"])
    horizon = end - 180 * DAY_MS
    r = np.nonzero(O["remote"] & (O["delivered"] < horizon))[0]
    first = r[first_of_groups(O["cust"][r], O["placed"][r])]
    rep = last_placed[O["cust"][first]] > O["delivered"][first]
    lt = O["late"][first]
    fbd = (fb["touchpoint"] == "livraison") & (fb["order"] >= 0)
    fl = O["late"][np.maximum(fb["order"], 0)]
    nps = fbd & (fb["kind"] == "nps")
    csat = fbd & (fb["kind"] == "csat")
    moment = {"repurchase_late": tally(rep[lt]), "repurchase_on_time": tally(rep[~lt]),
              "nps_late": tally(fb["score"][nps & fl]), "nps_on_time": tally(fb["score"][nps & ~fl]),
              "csat_late": tally(fb["score"][csat & fl]), "csat_on_time": tally(fb["score"][csat & ~fl]),
              "late": tally(O["late"][O["remote"]])}

    # buyers differ: of those who bought in the year before the last one, who buys again in the last
    as_of = end - 365 * DAY_MS
    before = (O["placed"] > as_of - 365 * DAY_MS) & (O["placed"] <= as_of)
    bought = np.bincount(O["cust"][before], minlength=n_known)
    again = np.bincount(O["cust"][O["placed"] > as_of], minlength=n_known) > 0
    repeat = {name: tally(again[sel]) for name, sel in (
        ("once", bought == 1), ("2_to_3", (bought >= 2) & (bought <= 3)), ("4_or_more", bought >= 4))}

    # personas
    personas: dict[str, Any] = {}
    op = persona[O["cust"]]
    known_s = S["cust"] < n_known
    sp = persona[np.minimum(S["cust"], n_known - 1)]
    ordered_intents = O["idx"]
    counts = it["n_items"][ordered_intents]
    item_rows = np.repeat(it["item_start"][ordered_intents], counts) + positions(counts)
    item_persona = np.repeat(op, counts)
    item_cat = prod_cat[it["item_prod"][item_rows]]
    fbp = persona[np.minimum(fb["cust"], n_known - 1)]
    for k, name in enumerate(PERSONAS):
        sel = op == k
        personas[name] = {
            "customers": int((persona == k).sum()), "orders": int(sel.sum()), "basket": tally(O["amount"][sel]),
            "order_channels": np.bincount(O["chan"][sel], minlength=len(CHANNELS)),
            "app_sessions": tally(S["app"][known_s & (sp == k)]),
            "categories": np.bincount(item_cat[item_persona == k], minlength=len(CATEGORIES)),
            "nps": tally(fb["score"][(fb["kind"] == "nps") & (fbp == k)]),
        }

    # support teams
    solved = res.resolved < end
    hours = (res.resolved - tk["opened"]) / HOUR_MS
    csat_t = (fb["touchpoint"] == "service_client") & (fb["ticket"] >= 0)
    csat_team = res.team[np.maximum(fb["ticket"], 0)]
    teams = {}
    for i, t in enumerate(TEAMS):
        sel = res.team == i
        teams[t.name] = {"tickets": int(sel.sum()), "resolution_hours": sample(hours[sel & solved]),
                         "recontacts": tally(res.recontacts[sel]), "reopened": tally(res.reopened[sel]),
                         "sla_met": tally(res.sla_met[sel]), "csat": tally(fb["score"][csat_t & (csat_team == i)])}

    # complaint wave; SLA met while the customer suffers
    w = tk["cat"] == 5
    wave = {"opened": sample(tk["opened"][w]), "ids": sample(tk["id"][w]), "feedback": int(fb["wave"].sum())}
    d = tk["cat"] == 0
    others = ~d & (tk["cat"] != 5)

    def sla_stats(sel: np.ndarray) -> dict[str, Any]:
        return {"cases": int(sel.sum()), "sla_met": tally(res.sla_met[sel]),
                "first_reply_hours": sample((res.first_response[sel] - tk["opened"][sel]) / HOUR_MS),
                "resolution_hours": sample(hours[sel & solved]), "recontacts": tally(res.recontacts[sel])}

    # one store whose staff disappoints
    sc = (fb["touchpoint"] == "magasin") & (fb["store"] >= 0)
    remote = O["remote"]
    return {
        "customers": n_known, "leak": leak, "moment_of_truth": moment, "repeat_buying": repeat,
        "personas": personas, "teams": teams,
        "wave": wave, "sla": {"livraison_retard": sla_stats(d), "other_categories": sla_stats(others)},
        "store_csat": {STORES[i]: tally(fb["score"][sc & (fb["store"] == i)]) for i in range(len(STORES))},
        "carrier_late": {CARRIERS[i]: tally(O["late"][remote & (O["carrier"] == i)]) for i in range(len(CARRIERS))},
        "orders_by_month": np.bincount(cal.month_index(O["placed"]), minlength=13)[1:],
    }


def truths(m: dict[str, Any]) -> dict[str, Any]:
    """The planted truths, each with its parameters and its size measured on the generated rows.

    ``m`` is what :func:`_measure` found, in one company or summed over the shards of one.
    """
    cal = Calendar(START, DAYS, TZ, MONTHLY, WEEKLY)
    end = cal.end_ms

    def iso(ms: int) -> str:
        return format_time(np.array([ms]), "%Y-%m-%dT%H:%M:%S%z", TZ).to_pylist()[0]

    conv = {name: {"sessions_with_checkout_start": int(v["checkout"]), "with_payment": int(v["payment"]),
                   "conversion": _r(v["payment"] / max(v["checkout"], 1))} for name, v in m["leak"].items()}
    leak = {
        "description": "In the app, far fewer checkouts end in a payment than on the web; about half of "
                       "the app drop-outs come back and pay on the web within 1-30 hours.",
        "source": "web_analytics", "unit": "session", "stage": "checkout", "from_activity": "checkout_start",
        "to_activity": "payment", "channel": "app", "compared_to": "web",
        "planted_conversion": {"web": float(CONVERSION[0]), "app": float(CONVERSION[1])},
        "app_dropouts_retrying_on_web": APP_RETRY_ON_WEB, "observed": conv,
    }

    mt = m["moment_of_truth"]
    moment = {
        "description": "A customer whose first delivered order arrived late buys again much less often, and "
                       "answers the delivery survey with low scores and negative delivery comments.",
        "source": "orders", "touchpoint": "order_delivered", "condition": "statut_livraison = en_retard "
        "(delivered after livraison_prevue)", "outcome": "repurchase: another order_placed after that delivery",
        "population": "customers whose first shipped order was delivered at least 180 days before the end",
        "planted_repurchase_factor": LATE_REPURCHASE_FACTOR,
        "observed": {
            "late": {"customers": int(mt["repurchase_late"][1]), "repurchase_rate": _r(ratio(mt["repurchase_late"]))},
            "on_time": {"customers": int(mt["repurchase_on_time"][1]),
                        "repurchase_rate": _r(ratio(mt["repurchase_on_time"]))},
            "mean_nps_after_delivery": {"late": _r(ratio(mt["nps_late"])), "on_time": _r(ratio(mt["nps_on_time"]))},
            "mean_csat_after_delivery": {"late": _r(ratio(mt["csat_late"])),
                                         "on_time": _r(ratio(mt["csat_on_time"]))},
            "late_delivery_rate": _r(ratio(mt["late"])),
        },
    }

    personas: dict[str, Any] = {}
    n_known = m["customers"]
    for k, name in enumerate(PERSONAS):
        p = m["personas"][name]
        n_c, n_o, cats = int(p["customers"]), int(p["orders"]), p["categories"]
        top = [CATEGORIES[i][0] for i in np.argsort(-cats, kind="stable")[:3] if cats[i] > 0]
        personas[name] = {
            "customers": n_c, "share": _r(n_c / n_known),
            "planted": {"channel_mix": dict(zip(CHANNELS, MIX[k].tolist())), "repurchase": float(REPURCHASE[k]),
                        "extra_items_per_basket": float(ITEMS[k]), "return_rate": float(RETURN_P[k]),
                        "workshop_visits": float(SERVICING[k])},
            "observed": {
                "orders_per_customer": _r(n_o / max(n_c, 1)),
                "mean_basket_eur": _r(ratio(p["basket"])),
                "order_channel_share": {ch: _r(p["order_channels"][i] / n_o) if n_o else None
                                        for i, ch in enumerate(CHANNELS)},
                "app_session_share": _r(ratio(p["app_sessions"])),
                "top_categories": top,
                "mean_nps": _r(ratio(p["nps"])),
            },
        }

    teams = {name: {"tickets": int(t["tickets"]), "median_resolution_hours": _r(median(t["resolution_hours"])),
                    "mean_recontacts": _r(ratio(t["recontacts"])), "reopen_rate": _r(ratio(t["reopened"])),
                    "first_reply_sla_met_rate": _r(ratio(t["sla_met"])), "mean_csat": _r(ratio(t["csat"]))}
             for name, t in m["teams"].items()}
    weak = {
        "description": "The outsourced team answers and solves later, gets more re-contacts and re-openings, "
                       "and lower CSAT after its tickets.",
        "team": TEAMS[WEAK_TEAM].name, "sources": ["tickets", "cases", "surveys"],
        "planted": {t.name: {"median_first_reply_hours": t.first_response_h,
                             "median_resolution_hours": t.resolution_h, "reopen_rate": t.reopen,
                             "recontacts_per_ticket": t.recontacts} for t in TEAMS},
        "observed": teams,
    }

    opened = joined(m["wave"]["opened"])
    order = np.argsort(opened, kind="stable")  # the cases in the order they were opened
    w0 = instant(WAVE_START + "T00:00", TZ)
    wave = {
        "description": "Customers charged twice for online orders placed during one week write near-identical "
                       "complaints: one underlying problem.",
        "category": "double_prelevement", "kind": "complaint", "aspect": "payment",
        "window": {"start": iso(w0), "end": iso(w0 + WAVE_DAYS * DAY_MS)},
        "opened_window": {"start": iso(int(opened.min())) if opened.size else None,
                          "end": iso(int(opened.max())) if opened.size else None},
        "cases": int(opened.size), "case_ids": [str(x) for x in joined(m["wave"]["ids"])[order]],
        "subject_templates": [b + "{order}" + a for b, a in SUBJECTS[5]],
        "free_text_feedback": int(m["wave"]["feedback"]),
        "feedback_templates": [b + "{order}" + a for b, a in WAVE_TEXTS],
        "same_category_outside_window": 0,
    }

    def sla_stats(s: dict[str, Any]) -> dict[str, Any]:
        return {"cases": int(s["cases"]), "first_reply_within_48h_rate": _r(ratio(s["sla_met"])),
                "median_first_reply_hours": _r(median(s["first_reply_hours"])),
                "median_hours_to_resolution": _r(median(s["resolution_hours"])),
                "mean_recontacts": _r(ratio(s["recontacts"]))}

    sla = {
        "description": "Late-parcel tickets get a first reply well within the 48 h SLA, yet customers call back "
                       "several times and wait until the parcel arrives for the need to be met.",
        "category": "livraison_retard", "sla": "first reply within 48 hours (cases.sla_first_reply)",
        "need_met_when": "the parcel is delivered (order_delivered in orders); the case is solved a few hours later",
        "observed": {k: sla_stats(v) for k, v in m["sla"].items()},
    }

    outlier = {"description": "Store CSAT and staff comments are much worse in one store than in the others.",
               "store": STORES[OUTLIER_STORE], "touchpoint": "magasin", "kind": "csat",
               "observed_mean_csat": {k: _r(ratio(v)) for k, v in m["store_csat"].items()}}
    carriers = {k: _r(ratio(v)) for k, v in m["carrier_late"].items()}
    repeat = {
        "description": "Buyers differ within a persona: many buy once, a loyal core buys again and again, "
                       "each at their own pace. How often a customer bought in a year tells whether they "
                       "buy in the next (the lapse a health score and a churn model should see).",
        "source": "orders", "as_of": iso(end - 365 * DAY_MS), "horizon_days": 365,
        "planted": {"repurchase": "per customer ~ Beta(mean = persona's repurchase, concentration "
                                  f"{LOYALTY_CONCENTRATION})",
                    "pace": f"per customer ~ Gamma(shape {PACE_SHAPE}, mean 1), dividing the gaps between intents",
                    "failed_checkout_factor": FAILED_CHECKOUT_FACTOR},
        "observed": {"buyers_by_orders_in_the_year_before": {
            k: {"customers": int(v[1]), "bought_again_within_a_year": _r(ratio(v))}
            for k, v in m["repeat_buying"].items()}},
    }
    return {
        "company": COMPANY, "sector": "ski and snowboard equipment retail (France)", "timezone": TZ,
        "period": {"start": iso(cal.start_ms), "end": iso(end)},
        "seasonality": {"peak_months": [10, 11, 12, 1, 2], "low_months": [5, 6, 7],
                        "planted_monthly_weights": MONTHLY,
                        "observed_orders_by_month": dict(zip(range(1, 13), m["orders_by_month"].tolist()))},
        "leak": leak, "moment_of_truth": moment, "repeat_buying": repeat, "personas": personas, "weak_team": weak,
        "complaint_wave": wave, "sla_paradox": sla, "outlier_store": outlier,
        "late_delivery_by_carrier": {"worst": CARRIERS[int(np.argmax(CARRIER_LATE))], "observed_late_rate": carriers},
    }
