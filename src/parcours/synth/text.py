"""Customer verbatims in French and English, composed from aspect phrases with a known sentiment.

Each verbatim mentions one or two aspects (delivery, price, staff, …), each positive or negative,
e.g. "La livraison était en retard mais le vendeur était adorable." The labels are kept so that
text analytics can be checked against what was planted. Composition is vectorised: phrases are
picked by index into a small bank and joined with Arrow kernels.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FR, EN = 0, 1
LANGS = ("fr", "en")

# aspect -> {(sentiment, lang): [sentence-start phrases]}; sentiment +1 / -1
RETAIL: dict[str, dict[tuple[int, int], list[str]]] = {
    "delivery": {
        (1, FR): ["Livraison rapide", "Colis reçu en 48 h et très bien emballé", "Livré avant la date prévue"],
        (-1, FR): ["La livraison était en retard", "Colis arrivé avec une semaine de retard",
                   "Toujours pas reçu ma commande, aucune info du transporteur"],
        (1, EN): ["Fast delivery", "Parcel arrived in two days, well packed", "Delivered before the expected date"],
        (-1, EN): ["The delivery was late", "My parcel arrived a week late",
                   "Still waiting for my order and no news from the carrier"],
    },
    "price": {
        (1, FR): ["Bon rapport qualité-prix", "Prix très intéressants pendant les soldes",
                  "Moins cher qu'en station"],
        (-1, FR): ["Trop cher par rapport à la concurrence", "Les prix ont augmenté sans raison",
                   "Frais de port beaucoup trop élevés"],
        (1, EN): ["Good value for money", "Great prices during the sales", "Cheaper than the resort shops"],
        (-1, EN): ["Too expensive compared to other shops", "Prices went up for no reason",
                   "Shipping costs are far too high"],
    },
    "staff": {
        (1, FR): ["Le vendeur était adorable", "Conseils au top en magasin",
                  "Le vendeur a pris le temps de bien régler mes fixations"],
        (-1, FR): ["Vendeur peu aimable et pressé", "Personne pour nous conseiller en magasin",
                   "Le personnel ne connaissait pas les produits"],
        (1, EN): ["The sales assistant was lovely", "Excellent advice in the shop",
                  "The staff took the time to adjust my bindings"],
        (-1, EN): ["Unfriendly staff in a hurry", "Nobody to help us in the shop",
                   "The staff did not know the products"],
    },
    "product_quality": {
        (1, FR): ["Skis excellents, très stables à haute vitesse", "Matériel de très bonne qualité",
                  "Le snowboard est parfait en poudreuse"],
        (-1, FR): ["La fixation a cassé dès la deuxième sortie",
                   "Les coutures des gants ont lâché au bout d'une semaine",
                   "Le masque se raye beaucoup trop vite"],
        (1, EN): ["Excellent skis, very stable at speed", "Very good quality gear", "The board is perfect in powder"],
        (-1, EN): ["The binding broke on the second day", "The gloves fell apart after a week",
                   "The goggles scratch far too easily"],
    },
    "waiting_time": {
        (1, FR): ["Aucune attente au téléphone", "Réponse du service client en une heure",
                  "Passage en caisse très rapide"],
        (-1, FR): ["Une heure d'attente au téléphone", "J'ai dû relancer trois fois avant d'avoir une réponse",
                   "Trente minutes de queue en caisse"],
        (1, EN): ["No waiting on the phone", "Customer service answered within an hour",
                  "Very quick checkout in the shop"],
        (-1, EN): ["An hour on hold on the phone", "I had to chase them three times before getting an answer",
                   "Thirty minutes queuing at the till"],
    },
    "website": {
        (1, FR): ["Site clair et facile à utiliser", "Le comparateur de skis du site est très utile"],
        (-1, FR): ["Le site plante au moment de payer", "Impossible de trouver les tailles enfant sur le site"],
        (1, EN): ["Clear and easy website", "The ski comparison tool on the website is very useful"],
        (-1, EN): ["The website crashes at checkout", "Impossible to find kids sizes on the website"],
    },
    "app": {
        (1, FR): ["L'application est pratique", "Commander sur l'appli est ultra simple"],
        (-1, FR): ["Le paiement dans l'appli échoue à chaque fois", "L'appli bugue au moment de valider le panier",
                   "Impossible de payer depuis l'application"],
        (1, EN): ["The app is handy", "Ordering in the app is very easy"],
        (-1, EN): ["Payment in the app fails every time", "The app crashes when I confirm my basket",
                   "Cannot pay from the app"],
    },
    "sizing": {
        (1, FR): ["Taille parfaite grâce au guide", "Les chaussures taillent juste"],
        (-1, FR): ["Les chaussures taillent trop petit", "Guide des tailles enfant incompréhensible"],
        (1, EN): ["Perfect fit thanks to the size guide", "The boots fit true to size"],
        (-1, EN): ["The boots run too small", "The kids size guide is confusing"],
    },
    "returns": {
        (1, FR): ["Retour gratuit et remboursement rapide", "Échange de taille sans problème"],
        (-1, FR): ["Le remboursement de mon retour a pris un mois", "Retour compliqué et payant"],
        (1, EN): ["Free returns and quick refund", "Size exchange with no hassle"],
        (-1, EN): ["The refund for my return took a month", "Complicated and costly returns"],
    },
    "payment": {
        (1, FR): ["Paiement en trois fois bien pratique"],
        (-1, FR): ["J'ai été débité deux fois", "Prélèvement en double sur ma carte"],
        (1, EN): ["Handy payment in three instalments"],
        (-1, EN): ["I was charged twice", "Double charge on my card"],
    },
}

SAAS: dict[str, dict[tuple[int, int], list[str]]] = {
    "onboarding": {
        (1, EN): ["Onboarding was smooth", "We were up and running in a day", "The setup wizard is great"],
        (-1, EN): ["Onboarding was painful", "Took us weeks to get the team set up", "The data import kept failing"],
        (1, FR): ["Prise en main très rapide", "L'équipe était opérationnelle en une journée"],
        (-1, FR): ["La mise en place a été laborieuse", "L'import de nos données échoue sans arrêt"],
    },
    "support": {
        (1, EN): ["Support is responsive and helpful", "Great support team"],
        (-1, EN): ["Support takes days to answer", "I had to chase support several times",
                   "Support keeps closing my ticket without fixing it"],
        (1, FR): ["Support réactif et compétent", "Très bon accompagnement du support"],
        (-1, FR): ["Le support met des jours à répondre", "J'ai dû relancer le support plusieurs fois"],
    },
    "features": {
        (1, EN): ["The Gantt view is exactly what we needed", "Automations save us hours every week",
                  "Reports are powerful"],
        (-1, EN): ["Missing basic features", "Reports are too limited", "Not enough integrations"],
        (1, FR): ["Le Gantt est exactement ce qu'il nous fallait", "Les automatisations nous font gagner des heures"],
        (-1, FR): ["Il manque des fonctionnalités de base", "Les rapports sont trop limités"],
    },
    "price": {
        (1, EN): ["Fair pricing", "Good value for the price"],
        (-1, EN): ["Too expensive for what it does", "The price per seat is too high",
                   "The renewal price went up too much"],
        (1, FR): ["Tarif raisonnable"],
        (-1, FR): ["Trop cher pour ce que c'est", "Le prix par licence est trop élevé"],
    },
    "reliability": {
        (1, EN): ["Rock solid, never down"],
        (-1, EN): ["Calendar sync is broken again", "The app is slow and often down",
                   "We lost data after the last update"],
        (1, FR): ["Très fiable, jamais de panne"],
        (-1, FR): ["La synchro agenda ne marche plus", "L'application est lente et souvent indisponible"],
    },
    "ux": {
        (1, EN): ["Clean and intuitive interface", "My team adopted it without training"],
        (-1, EN): ["The interface is confusing", "Too many clicks for simple tasks"],
        (1, FR): ["Interface claire et intuitive"],
        (-1, FR): ["L'interface est confuse", "Trop de clics pour des tâches simples"],
    },
    "billing": {
        (1, EN): ["Invoices are clear"],
        (-1, EN): ["We were billed for seats we do not use", "Our invoice is wrong again"],
        (1, FR): ["Factures claires"],
        (-1, FR): ["On nous facture des licences inutilisées", "Encore une erreur sur notre facture"],
    },
}


def _mid(phrase: str) -> str:
    """A phrase as it reads after a conjunction ("mais le vendeur …")."""
    if phrase.startswith(("I ", "I'")) or phrase[:2].isupper():
        return phrase
    return phrase[0].lower() + phrase[1:]


class Bank:
    """An indexed phrase bank: draw phrases for (aspect, sentiment, language) arrays at once."""

    def __init__(self, bank: dict[str, dict[tuple[int, int], list[str]]]) -> None:
        self.aspects = tuple(bank)
        starts, counts, phrases = {}, {}, []
        for a, by in bank.items():
            for key, items in by.items():
                starts[(a, *key)] = len(phrases)
                counts[(a, *key)] = len(items)
                phrases.extend(items)
        self.phrases = pa.array(phrases, pa.string())
        self.mids = pa.array([_mid(p) for p in phrases], pa.string())
        na = len(self.aspects)
        self.start = np.zeros((na, 2, 2), dtype=np.int64)
        self.count = np.zeros((na, 2, 2), dtype=np.int64)
        for (a, s, lang), v in starts.items():
            i = self.aspects.index(a)
            self.start[i, (s + 1) // 2, lang] = v
            self.count[i, (s + 1) // 2, lang] = counts[(a, s, lang)]

    def aspect(self, name: str) -> int:
        return self.aspects.index(name)

    def pick(self, rng: np.random.Generator, aspect: np.ndarray, sentiment: np.ndarray,
             lang: np.ndarray) -> np.ndarray:
        s = (np.asarray(sentiment) + 1) // 2
        c = self.count[aspect, s, lang]
        return self.start[aspect, s, lang] + (rng.random(len(c)) * c).astype(np.int64)

    def compose(self, rng: np.random.Generator, lang: np.ndarray, a1: np.ndarray, s1: np.ndarray,
                a2: np.ndarray, s2: np.ndarray) -> tuple[pa.Array, pa.Array]:
        """Verbatims and their labels (``"delivery:-;staff:+"``); ``a2 < 0`` for a single aspect."""
        n = len(lang)
        p1 = self.phrases.take(pa.array(self.pick(rng, a1, s1, lang)))
        two = np.asarray(a2) >= 0
        a2c = np.where(two, a2, 0)
        p2 = self.mids.take(pa.array(self.pick(rng, a2c, np.where(two, s2, 1), lang)))
        contrast = np.asarray(s1) != np.asarray(s2)
        conj = np.where(contrast, np.where(lang == FR, " mais ", " but "), np.where(lang == FR, " et ", " and "))
        bang = rng.random(n) < 0.15
        end = np.where(bang, np.where(lang == FR, " !", "!"), ".")
        second = pc.if_else(pa.array(two), pc.binary_join_element_wise(pa.array(conj), p2, ""), "")
        text = pc.binary_join_element_wise(p1, second, pa.array(end), "")
        names = pa.array(list(self.aspects), pa.string())
        sign = lambda s: np.where(np.asarray(s) > 0, ":+", ":-")
        l1 = pc.binary_join_element_wise(names.take(pa.array(a1)), pa.array(sign(s1)), "")
        l2 = pc.binary_join_element_wise(";", names.take(pa.array(a2c)), pa.array(sign(s2)), "")
        labels = pc.binary_join_element_wise(l1, pc.if_else(pa.array(two), l2, ""), "")
        return text, labels


def languages(rng: np.random.Generator, n: int, english: float) -> np.ndarray:
    """Language codes (FR / EN) for ``n`` people, a share ``english`` of them English speakers."""
    return (rng.random(n) < english).astype(np.int64)
