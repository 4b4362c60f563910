"""Every user-facing string of the report and charts, in English and French, and number/date formats.

One table of messages keeps both languages side by side, so a string cannot be added in one
language only (a test checks it); numbers and dates follow each language's conventions
(``1,234`` and ``3 Nov 2025`` in English, ``1 234`` and ``3 nov. 2025`` in French).

>>> t("section.overview", "fr")
"Vue d'ensemble"
>>> fmt_int(1234567, "fr") == "1\\u202f234\\u202f567"
True
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

#: Languages the report speaks.
LANGS: tuple[str, ...] = ("en", "fr")

#: French thousands separator: the narrow no-break space of French typography (CLDR).
FR_THOUSANDS = "\u202f"

MESSAGES: dict[str, dict[str, str]] = {
    # ---------------------------------------------------------------- page
    "report.default_title": {"en": "Customer experience report", "fr": "Rapport d'expérience client"},
    "report.tagline": {"en": "Customer journeys across every channel",
                       "fr": "Parcours clients sur tous les canaux"},
    "report.generated": {"en": "Generated on {date} from workspace “{name}” · times in UTC",
                         "fr": "Généré le {date} à partir de l'espace de travail « {name} » · heures en UTC"},
    "report.toc": {"en": "Contents", "fr": "Sommaire"},
    "report.footer": {"en": "Made with parcours {version}, open-source customer-experience platform. "
                            "This file works offline.",
                      "fr": "Réalisé avec parcours {version}, plateforme open source d'expérience client. "
                            "Ce fichier fonctionne hors ligne."},
    "report.no_data": {"en": "No data yet", "fr": "Pas encore de données"},
    "report.empty_hint": {"en": "Nothing has been ingested yet: run `parcours ingest` and write the report again.",
                          "fr": "Aucune donnée n'a encore été importée : lancez `parcours ingest` puis "
                                "régénérez le rapport."},
    "progress.section": {"en": "report: {title}", "fr": "rapport : {title}"},
    "progress.writing": {"en": "report: writing {path}", "fr": "rapport : écriture de {path}"},
    # ---------------------------------------------------------------- overview section
    "section.overview": {"en": "Overview", "fr": "Vue d'ensemble"},
    "overview.intro": {
        "en": "What the warehouse holds: customers, their interactions in every channel, the identifiers "
              "stitched into one customer, and the rows set aside because they could not be read.",
        "fr": "Ce que contient l'entrepôt : les clients, leurs interactions sur chaque canal, les "
              "identifiants rapprochés en un seul client et les lignes mises de côté faute d'avoir pu "
              "être lues."},
    "kpi.customers": {"en": "Customers", "fr": "Clients"},
    "kpi.customers.sub": {"en": "{n} new in {month}", "fr": "{n} nouveaux en {month}"},
    "kpi.events": {"en": "Events", "fr": "Événements"},
    "kpi.events.sub": {"en": "{n} per customer on average", "fr": "{n} par client en moyenne"},
    "kpi.channels": {"en": "Channels", "fr": "Canaux"},
    "kpi.period": {"en": "Period", "fr": "Période"},
    "kpi.period.sub": {"en": "{n} months", "fr": "{n} mois"},
    "kpi.identities": {"en": "Identifiers stitched", "fr": "Identités rapprochées"},
    "kpi.identities.sub": {"en": "{n} customers seen under ≥ 2 kinds",
                           "fr": "{n} clients vus sous ≥ 2 types"},
    "kpi.quarantined": {"en": "Quarantined rows", "fr": "Lignes en quarantaine"},
    "kpi.quarantined.sub": {"en": "{pct} of rows read", "fr": "{pct} des lignes lues"},
    "kpi.feedback": {"en": "Feedback", "fr": "Retours clients"},
    "kpi.cases": {"en": "Cases", "fr": "Dossiers"},
    "overview.volumes": {"en": "Interactions per channel", "fr": "Interactions par canal"},
    "overview.identities": {"en": "Identity stitching", "fr": "Rapprochement des identités"},
    "overview.identities.text": {
        "en": "{ids} identifiers of {kinds} kinds point to {customers} customers; {multi} customers are "
              "known under at least two kinds of identifier, and {merges} customers were merged when a "
              "later file linked them.",
        "fr": "{ids} identifiants de {kinds} types désignent {customers} clients ; {multi} clients sont "
              "connus sous au moins deux types d'identifiant et {merges} clients ont été fusionnés quand "
              "un fichier ultérieur les a reliés."},
    "overview.quarantine": {"en": "Quarantine", "fr": "Quarantaine"},
    "overview.quarantine.none": {"en": "No row was quarantined: every row read was stored.",
                                 "fr": "Aucune ligne en quarantaine : toutes les lignes lues ont été stockées."},
    "overview.quarantine.text": {
        "en": "{n} rows could not be stored as they were. Each keeps its file, row, column and reason, "
              "so the source can be fixed and re-ingested.",
        "fr": "{n} lignes n'ont pas pu être stockées telles quelles. Chacune garde son fichier, sa ligne, "
              "sa colonne et son motif, pour corriger la source et la réimporter."},
    "overview.quarantine.by_file": {"en": "By file", "fr": "Par fichier"},
    "overview.quarantine.examples": {"en": "Examples", "fr": "Exemples"},
    "overview.feedback_cases": {"en": "Feedback and cases", "fr": "Retours clients et dossiers"},
    "overview.feedback.none": {"en": "No feedback ingested yet.", "fr": "Aucun retour client importé pour l'instant."},
    "overview.cases.none": {"en": "No case ingested yet.", "fr": "Aucun dossier importé pour l'instant."},
    # ---------------------------------------------------------------- customer 360 section
    "section.customer360": {"en": "Customer 360 example", "fr": "Exemple de vue client 360°"},
    "c360.intro": {
        "en": "One customer seen whole: every identifier, and the interactions, feedback and cases of all "
              "channels on one timeline. Chosen automatically among customers active in several channels. "
              "Identifiers are partly masked.",
        "fr": "Un client vu en entier : tous ses identifiants, et ses interactions, retours et dossiers de "
              "tous les canaux sur une seule chronologie. Choisi automatiquement parmi les clients actifs "
              "sur plusieurs canaux. Les identifiants sont partiellement masqués."},
    "c360.none": {"en": "No customer to show yet.", "fr": "Aucun client à montrer pour l'instant."},
    "section.journeys": {"en": "Journeys", "fr": "Parcours"},
    "journeys.intro": {
        "en": "How customers really move between touchpoints: which step follows which, the paths they take "
              "most often, and where they drop out of the main conversion path. Sequences follow each "
              "customer's events in time order, across every channel.",
        "fr": "Comment les clients passent réellement d'un point de contact à l'autre : quelle étape suit "
              "laquelle, les chemins les plus fréquents, et où ils quittent le parcours de conversion "
              "principal. Les séquences suivent les événements de chaque client dans l'ordre du temps, "
              "tous canaux confondus."},
    "journeys.transitions": {"en": "What follows what (directly-follows counts)",
                             "fr": "Ce qui suit quoi (enchaînements directs)"},
    "journeys.transition_hover": {"en": "{a} → {b}<br>{n} times, median gap {t}",
                                  "fr": "{a} → {b}<br>{n} fois, délai médian {t}"},
    "journeys.count": {"en": "Count", "fr": "Nombre"},
    "journeys.from": {"en": "From", "fr": "De"},
    "journeys.to": {"en": "To", "fr": "Vers"},
    "journeys.variants": {"en": "Most frequent paths (repeats collapsed)",
                          "fr": "Chemins les plus fréquents (répétitions fusionnées)"},
    "journeys.funnel": {"en": "Funnel", "fr": "Entonnoir"},
    "journeys.lost_value": {"en": "Value lost", "fr": "Valeur perdue"},
    "journeys.map": {"en": "Journey map", "fr": "Carte du parcours"},
    "journeys.map_title": {"en": "Journey map: {name}", "fr": "Carte du parcours : {name}"},
    "map.touchpoints": {"en": "Touchpoints", "fr": "Points de contact"},
    "map.reached": {"en": "Reached (of stage 1)", "fr": "Atteinte (part de l'étape 1)"},
    "map.next": {"en": "Went on to the next stage", "fr": "Passage à l'étape suivante"},
    "map.time": {"en": "Time in stage (median / target)", "fr": "Temps dans l'étape (médiane / cible)"},
    "map.over": {"en": "Over target", "fr": "Au-delà de la cible"},
    "map.rework": {"en": "Came back to it", "fr": "Y sont revenus"},
    "map.leak": {"en": "Top leak", "fr": "Principale fuite"},
    "map.leak_text": {"en": "{channel}: {lost} lost", "fr": "{channel} : {lost} perdus"},
    "journeys.flow": {"en": "Flow", "fr": "Flux"},
    "journeys.flow_title": {"en": "Where the {n} customers who stopped after “{step}” went next",
                            "fr": "Où sont allés les {n} clients arrêtés après « {step} »"},
    "journeys.flow_note": {"en": "Their next {depth} events; rare ones grouped under “other”. Every customer is counted: the columns add up to the funnel's drop-off at this step.",
                           "fr": "Leurs {depth} événements suivants ; les plus rares regroupés sous « autres ». Chaque client est compté : les colonnes totalisent les abandons de l'entonnoir à cette étape."},
    "journeys.flow_end": {"en": "no further event", "fr": "plus aucun événement"},
    "journeys.flow_start": {"en": "first event", "fr": "premier événement"},
    "journeys.flow_other": {"en": "other", "fr": "autres"},
    "journeys.funnel_title": {"en": "Funnel: {steps} (window {window})", "fr": "Entonnoir : {steps} (fenêtre {window})"},
    "journeys.top_arcs": {"en": "Busiest transitions", "fr": "Enchaînements les plus fréquents"},
    "journeys.leaks": {"en": "Where customers are lost (worst first, 95 % interval)",
                       "fr": "Où les clients se perdent (les pires d'abord, intervalle à 95 %)"},
    "journeys.entered": {"en": "Reached", "fr": "Arrivés"},
    "journeys.conversion": {"en": "Went on", "fr": "Poursuivent"},
    "journeys.step_conversion": {"en": "All channels", "fr": "Tous canaux"},
    "journeys.lost": {"en": "Lost to the goal", "fr": "Perdus pour l'objectif"},
    "journeys.why": {"en": "Why the first of these leaks:", "fr": "Pourquoi la première de ces fuites :"},
    "journeys.conformance": {"en": "Lived journeys against the designed ones",
                             "fr": "Parcours vécus et parcours conçus"},
    "journeys.journey": {"en": "Journey", "fr": "Parcours"},
    "journeys.units": {"en": "Customers or cases", "fr": "Clients ou dossiers"},
    "journeys.fitness": {"en": "Follow the ideal order", "fr": "Suivent l'ordre idéal"},
    "journeys.late": {"en": "Enter late", "fr": "Entrent en cours"},
    "journeys.skips": {"en": "Skip stages", "fr": "Sautent des étapes"},
    "journeys.back": {"en": "Go back", "fr": "Reviennent en arrière"},
    "journeys.loops": {"en": "Loop", "fr": "Bouclent"},
    "journeys.none": {"en": "No events yet: nothing to map.", "fr": "Pas encore d'événements : rien à cartographier."},
    "c360.profile": {"en": "Profile", "fr": "Profil"},
    "c360.identities": {"en": "Identities", "fr": "Identités"},
    "c360.timeline": {"en": "Timeline", "fr": "Chronologie"},
    "c360.timeline.shown": {"en": "The {n} most recent of {total} entries.",
                            "fr": "Les {n} entrées les plus récentes sur {total}."},
    "c360.timeline.all": {"en": "{total} entries.", "fr": "{total} entrées."},
    "c360.summary": {"en": "Events: {events} · channels: {channels} · feedback: {feedback} · cases: {cases}",
                     "fr": "Événements : {events} · canaux : {channels} · retours : {feedback} · dossiers : {cases}"},
    "c360.symbols": {"en": "●\u00a0event   ★\u00a0feedback   ◆\u00a0case\u00a0opened   ✕\u00a0case\u00a0closed",
                     "fr": "●\u00a0événement   ★\u00a0retour\u00a0client   ◆\u00a0dossier\u00a0ouvert   ✕\u00a0dossier\u00a0clos"},
    # ---------------------------------------------------------------- charts
    "chart.volumes.title": {"en": "Events per channel and month", "fr": "Événements par canal et par mois"},
    "chart.new_customers.title": {"en": "New customers per month", "fr": "Nouveaux clients par mois"},
    "chart.identities.title": {"en": "Identifiers per kind", "fr": "Identifiants par type"},
    "chart.quarantine.title": {"en": "Quarantined rows by reason", "fr": "Lignes en quarantaine par motif"},
    "chart.timeline.title": {"en": "Timeline of customer {customer}", "fr": "Chronologie du client {customer}"},
    "axis.month": {"en": "Month", "fr": "Mois"},
    "axis.events": {"en": "Events", "fr": "Événements"},
    "axis.customers": {"en": "Customers", "fr": "Clients"},
    "axis.identifiers": {"en": "Identifiers", "fr": "Identifiants"},
    "axis.rows": {"en": "Rows", "fr": "Lignes"},
    "axis.time": {"en": "Date (UTC)", "fr": "Date (UTC)"},
    "axis.channel": {"en": "Channel", "fr": "Canal"},
    # ---------------------------------------------------------------- table headers
    "col.file": {"en": "File", "fr": "Fichier"},
    "col.source": {"en": "Source", "fr": "Source"},
    "col.row": {"en": "Row", "fr": "Ligne"},
    "col.column": {"en": "Column", "fr": "Colonne"},
    "col.value": {"en": "Value", "fr": "Valeur"},
    "col.reason": {"en": "Reason", "fr": "Motif"},
    "col.detail": {"en": "Detail", "fr": "Détail"},
    "col.rows": {"en": "Rows", "fr": "Lignes"},
    "col.kind": {"en": "Kind", "fr": "Type"},
    "col.count": {"en": "Count", "fr": "Nombre"},
    "col.mean_score": {"en": "Mean score", "fr": "Note moyenne"},
    "col.status": {"en": "Status", "fr": "Statut"},
    "col.cases": {"en": "Cases", "fr": "Dossiers"},
    "col.identifier": {"en": "Identifier", "fr": "Identifiant"},
    "col.first_seen": {"en": "First seen", "fr": "Vu la première fois"},
    "col.when": {"en": "When (UTC)", "fr": "Quand (UTC)"},
    "col.what": {"en": "What", "fr": "Quoi"},
    "col.channel": {"en": "Channel", "fr": "Canal"},
    "col.table": {"en": "Table", "fr": "Table"},
    # ---------------------------------------------------------------- profile fields
    "field.customer_id": {"en": "Customer id", "fr": "Identifiant client"},
    "field.created_at": {"en": "Customer since", "fr": "Client depuis"},
    "field.segment": {"en": "Segment", "fr": "Segment"},
    "field.region": {"en": "Region", "fr": "Région"},
    "field.updated_at": {"en": "Updated", "fr": "Mis à jour"},
    "field.source": {"en": "Source", "fr": "Source"},
    # ---------------------------------------------------------------- timeline entry kinds
    "entry.event": {"en": "Event", "fr": "Événement"},
    "entry.feedback": {"en": "Feedback", "fr": "Retour client"},
    "entry.case opened": {"en": "Case opened", "fr": "Dossier ouvert"},
    "entry.case closed": {"en": "Case closed", "fr": "Dossier clos"},
    "entry.case": {"en": "Case", "fr": "Dossier"},
    # ---------------------------------------------------------------- channels
    "channel.web": {"en": "Web", "fr": "Web"},
    "channel.app": {"en": "App", "fr": "Application"},
    "channel.store": {"en": "Store", "fr": "Magasin"},
    "channel.phone": {"en": "Phone", "fr": "Téléphone"},
    "channel.email": {"en": "E-mail", "fr": "E-mail"},
    "channel.chat": {"en": "Chat", "fr": "Chat"},
    "channel.sms": {"en": "SMS", "fr": "SMS"},
    "channel.social": {"en": "Social media", "fr": "Réseaux sociaux"},
    "channel.mail": {"en": "Post", "fr": "Courrier"},
    "channel.delivery": {"en": "Delivery", "fr": "Livraison"},
    "channel.(none)": {"en": "(no channel)", "fr": "(sans canal)"},
    # ---------------------------------------------------------------- identifier kinds
    "idkind.email": {"en": "E-mail", "fr": "E-mail"},
    "idkind.phone": {"en": "Phone", "fr": "Téléphone"},
    "idkind.cookie": {"en": "Cookie", "fr": "Cookie"},
    "idkind.crm_id": {"en": "CRM id", "fr": "Identifiant CRM"},
    "idkind.customer_id": {"en": "Customer id", "fr": "Identifiant client"},
    "idkind.loyalty_card": {"en": "Loyalty card", "fr": "Carte de fidélité"},
    "idkind.device_id": {"en": "Device", "fr": "Appareil"},
    "idkind.account_id": {"en": "Account", "fr": "Compte"},
    "idkind.case": {"en": "Case", "fr": "Dossier"},
    # ---------------------------------------------------------------- feedback and case kinds
    "fbkind.nps": {"en": "NPS", "fr": "NPS"},
    "fbkind.csat": {"en": "CSAT", "fr": "CSAT"},
    "fbkind.ces": {"en": "CES", "fr": "CES"},
    "fbkind.review": {"en": "Review", "fr": "Avis"},
    "fbkind.social": {"en": "Social post", "fr": "Publication sociale"},
    "fbkind.free_text": {"en": "Free text", "fr": "Verbatim libre"},
    "casekind.complaint": {"en": "Complaint", "fr": "Réclamation"},
    "casekind.request": {"en": "Request", "fr": "Demande"},
    "casekind.incident": {"en": "Incident", "fr": "Incident"},
    # ---------------------------------------------------------------- customers section
    "section.customers": {"en": "Customers: personas, tiers, retention", "fr": "Clients : profils, niveaux, rétention"},
    "customers.none": {"en": "No events yet: personas, tiers and retention need customers' interactions.",
                       "fr": "Pas encore d'événements : profils, niveaux et rétention demandent les interactions des clients."},
    "customers.intro": {
        "en": "Who the customers are, from what they do: personas found by clustering their behaviour, value, "
              "channels and feedback; loyalty levels and value tiers from the rules in parcours.yaml and how "
              "customers moved between them; and how many come back month after month.",
        "fr": "Qui sont les clients, d'après ce qu'ils font : des profils trouvés en regroupant leurs comportements, "
              "leur valeur, leurs canaux et leurs avis ; les niveaux de fidélité et de valeur définis dans "
              "parcours.yaml et les passages de l'un à l'autre ; et combien reviennent mois après mois."},
    "customers.personas": {"en": "Personas", "fr": "Profils clients"},
    "customers.persona": {"en": "Persona", "fr": "Profil"},
    "customers.persona_size": {"en": "{n} customers ({share}), {value} of the value",
                               "fr": "{n} clients ({share}), {value} de la valeur"},
    "customers.channels": {"en": "Channels", "fr": "Canaux"},
    "customers.stages": {"en": "Furthest stage", "fr": "Étape la plus avancée"},
    "customers.churn_risk": {"en": "Churn risk", "fr": "Risque d'attrition"},
    "customers.no_personas": {"en": "Too few customers to find personas.", "fr": "Trop peu de clients pour trouver des profils."},
    "customers.k_chosen": {"en": "{k} personas, the number whose clusters are both the most separated and the most "
                                 "reproducible (silhouette × stability {score}).",
                           "fr": "{k} profils, le nombre dont les groupes sont à la fois les plus distincts et les plus "
                                 "reproductibles (silhouette × stabilité {score})."},
    "customers.k_given": {"en": "{k} personas, as set in parcours.yaml.", "fr": "{k} profils, comme fixé dans parcours.yaml."},
    "customers.tiers": {"en": "Loyalty levels and value tiers", "fr": "Niveaux de fidélité et de valeur"},
    "customers.loyalty": {"en": "loyalty", "fr": "fidélité"},
    "customers.value": {"en": "value", "fr": "valeur"},
    "customers.loyalty_title": {"en": "Customers per loyalty level (purchase frequency)",
                                "fr": "Clients par niveau de fidélité (fréquence d'achat)"},
    "customers.value_title": {"en": "Customers per value tier (spend)", "fr": "Clients par niveau de valeur (dépenses)"},
    "customers.moves_title": {"en": "Moves between {kind} tiers over the last {days} days",
                              "fr": "Passages entre niveaux de {kind} sur les {days} derniers jours"},
    "customers.tier_from": {"en": "Tier before", "fr": "Niveau avant"},
    "customers.tier_to": {"en": "Tier now", "fr": "Niveau actuel"},
    "customers.kind": {"en": "Kind", "fr": "Type"},
    "customers.tier": {"en": "Tier", "fr": "Niveau"},
    "customers.rule": {"en": "Rule", "fr": "Règle"},
    "customers.benefits": {"en": "Benefits", "fr": "Avantages"},
    "customers.retention": {"en": "Retention", "fr": "Rétention"},
    "customers.retention_title": {"en": "Customers active again, by month of first visit",
                                  "fr": "Clients de nouveau actifs, par mois de première visite"},
    "customers.retention_hover": {"en": "{rate} active (95 % interval {lo}–{hi})",
                                  "fr": "{rate} actifs (intervalle à 95 % {lo}–{hi})"},
    "customers.retention_rate": {"en": "Retention", "fr": "Rétention"},
    "customers.cohort": {"en": "First month (customers)", "fr": "Premier mois (clients)"},
    "customers.months_after": {"en": "Months after", "fr": "Mois après"},
    "customers.retention_note": {
        "en": "Each row is the customers first seen that month; each cell the share of them active again that "
              "many months later (hover for the 95 % Wilson interval). Cells not yet observable are blank.",
        "fr": "Chaque ligne regroupe les clients vus pour la première fois ce mois-là ; chaque case, la part "
              "d'entre eux de nouveau actifs autant de mois plus tard (survol : intervalle de Wilson à 95 %). "
              "Les cases pas encore observables sont vides."},
    # ---------------------------------------------------------------- health section
    "section.health": {"en": "Health and churn risk", "fr": "Santé et risque d'attrition"},
    "health.intro": {
        "en": "A health score per customer from the scorecard in parcours.yaml (measures scored 0–100, weighted; "
              "missing measures left out and the others re-weighted), its colour band, and the customers most "
              "likely to leave, ranked by the yearly value they would take with them.",
        "fr": "Un score de santé par client, calculé selon la grille de parcours.yaml (indicateurs notés de 0 à "
              "100, pondérés ; un indicateur manquant est écarté et les autres repondérés), sa couleur, et les "
              "clients les plus susceptibles de partir, classés par la valeur annuelle qu'ils emporteraient."},
    "health.none": {"en": "No events yet: health scores need customers' interactions.",
                    "fr": "Pas encore d'événements : les scores de santé demandent les interactions des clients."},
    "health.band.red": {"en": "Red", "fr": "Rouge"},
    "health.band.yellow": {"en": "Yellow", "fr": "Jaune"},
    "health.band.green": {"en": "Green", "fr": "Vert"},
    "health.mean": {"en": "Mean score", "fr": "Score moyen"},
    "health.scored": {"en": "{n} customers scored", "fr": "{n} clients notés"},
    "health.score": {"en": "Health score", "fr": "Score de santé"},
    "health.distribution_title": {"en": "Customers by health score", "fr": "Clients par score de santé"},
    "health.scorecard": {"en": "Scorecard", "fr": "Grille de santé"},
    "health.measure": {"en": "Measure", "fr": "Indicateur"},
    "health.feature": {"en": "From", "fr": "Source"},
    "health.weight": {"en": "Weight", "fr": "Poids"},
    "health.normalised": {"en": "Scored", "fr": "Notation"},
    "health.better": {"en": "Healthier when", "fr": "Meilleur quand"},
    "health.higher_is_better": {"en": "higher", "fr": "plus élevé"},
    "health.lower_is_better": {"en": "lower", "fr": "plus bas"},
    "health.by_percentiles": {"en": "percentile among customers", "fr": "percentile parmi les clients"},
    "health.by_thresholds": {"en": "0 at {low}, 100 at {high}", "fr": "0 à {low}, 100 à {high}"},
    "health.scorecard_note": {
        "en": "Bands: red below 40, green from 70 (health.bands). The trend compares each score with the one {period} "
              "before; `parcours health scores` lists every customer with the measures that moved.",
        "fr": "Couleurs : rouge sous 40, vert à partir de 70 (health.bands). La tendance compare chaque score à "
              "celui d'il y a {period} ; `parcours health scores` liste chaque client et les indicateurs qui ont bougé."},
    "health.at_risk": {"en": "Customers at risk", "fr": "Clients à risque"},
    "health.no_model": {
        "en": "No churn in the history yet (activities {activities}): set health.churn.activities in parcours.yaml "
              "to the activities that mean a customer left.",
        "fr": "Aucune attrition dans l'historique (activités {activities}) : indiquez dans health.churn.activities "
              "de parcours.yaml les activités qui signifient qu'un client est parti."},
    "health.churn.activity": {"en": "churn: a churn activity in that time", "fr": "attrition : une activité de départ dans ce délai"},
    "health.churn.lapse": {"en": "churn: no purchase in that time", "fr": "attrition : aucun achat dans ce délai"},
    "health.model_note": {
        "en": "Churn probability within {horizon} ({churn}), from a {model} trained on {rows} past snapshots of the history "
              "(inner cross-validated ROC AUC {auc}), calibrated. Value: spend per year; value at risk: "
              "probability × value. Reasons: what raises each customer's risk most.",
        "fr": "Probabilité d'attrition sous {horizon} ({churn}), par un modèle {model} entraîné sur {rows} instantanés passés "
              "de l'historique (ROC AUC en validation croisée interne {auc}), calibrée. Valeur : dépense annuelle ; "
              "valeur à risque : probabilité × valeur. Raisons : ce qui augmente le plus le risque de chaque client."},
    "health.model.linear": {"en": "logistic regression", "fr": "de régression logistique"},
    "health.model.boosting": {"en": "gradient boosting", "fr": "de gradient boosting"},
    "health.model.blend": {"en": "blend of logistic regression and gradient boosting",
                           "fr": "mêlant régression logistique et gradient boosting"},
    "health.customer": {"en": "Customer", "fr": "Client"},
    "health.success": {"en": "Success criteria", "fr": "Critères de succès"},
    "health.success_intro": {
        "en": "{journey}: every criterion within {within} of entering the journey ({n} customers). A customer is met "
              "on the day the last criterion is, at risk while the window is open, missed once it closed.",
        "fr": "{journey} : tous les critères dans les {within} suivant l'entrée dans le parcours ({n} clients). Un "
              "client les atteint le jour du dernier critère atteint, est à risque tant que la fenêtre est "
              "ouverte, les a manqués une fois qu'elle est fermée."},
    "health.success.met": {"en": "Met", "fr": "Atteints"},
    "health.success.at_risk": {"en": "At risk", "fr": "À risque"},
    "health.success.missed": {"en": "Missed", "fr": "Manqués"},
    "health.criterion": {"en": "Criterion", "fr": "Critère"},
    "health.met_by": {"en": "Met by", "fr": "Atteint par"},
    "health.success_at_risk": {"en": "At risk, soonest deadline first", "fr": "À risque, échéance la plus proche d'abord"},
    "health.deadline": {"en": "Deadline", "fr": "Échéance"},
    "health.not_yet": {"en": "Not met yet", "fr": "Pas encore atteint"},
    "health.none_at_risk": {"en": "Nobody is at risk: every window is closed or met.",
                            "fr": "Personne n'est à risque : chaque fenêtre est fermée ou atteinte."},
    "health.probability": {"en": "Churn probability", "fr": "Probabilité d'attrition"},
    "health.value": {"en": "Value / year", "fr": "Valeur / an"},
    "health.value_at_risk": {"en": "Value at risk", "fr": "Valeur à risque"},
    "health.band": {"en": "Band", "fr": "Couleur"},
    "health.reasons": {"en": "Top reasons", "fr": "Principales raisons"},
    "health.unknown": {"en": "unknown", "fr": "inconnu"},
    "health.channel_share": {"en": "Share of interactions by {channel}", "fr": "Part des interactions par {channel}"},
    "health.furthest_stage": {"en": "Furthest stage reached ({journey})", "fr": "Étape la plus avancée ({journey})"},
    # features as reasons and measures
    "feature.seats_used_share": {"en": "Share of seats used", "fr": "Part des sièges utilisés"},
    "feature.features_adopted": {"en": "Features adopted", "fr": "Fonctionnalités adoptées"},
    "feature.support_contacts": {"en": "Support contacts", "fr": "Contacts au support"},
    "feature.repeat_contacts": {"en": "Repeat contacts", "fr": "Recontacts"},
    "feature.logins": {"en": "Logins", "fr": "Connexions"},
    "feature.days_since_last_event": {"en": "Days since last activity", "fr": "Jours depuis la dernière activité"},
    "feature.recency_days": {"en": "Days since last purchase", "fr": "Jours depuis le dernier achat"},
    "feature.frequency": {"en": "Purchases", "fr": "Achats"},
    "feature.monetary": {"en": "Spend", "fr": "Dépense"},
    "feature.avg_basket": {"en": "Average basket", "fr": "Panier moyen"},
    "feature.tenure_days": {"en": "Days as a customer", "fr": "Ancienneté (jours)"},
    "feature.events": {"en": "Interactions", "fr": "Interactions"},
    "feature.active_days": {"en": "Active days", "fr": "Jours actifs"},
    "feature.feedback_score": {"en": "Feedback score", "fr": "Note des retours"},
    "feature.feedback_count": {"en": "Feedback answers", "fr": "Réponses aux enquêtes"},
    "feature.nps": {"en": "NPS answer", "fr": "Réponse NPS"},
    "feature.csat": {"en": "CSAT", "fr": "CSAT"},
    "feature.seats": {"en": "Seats", "fr": "Sièges"},
    "feature.active_users": {"en": "Active users", "fr": "Utilisateurs actifs"},
    "feature.failures": {"en": "Failed steps", "fr": "Étapes en échec"},
    "feature.unresolved_failures": {"en": "Failed steps never completed since", "fr": "Étapes en échec jamais reprises"},
    "feature.bad_outcomes": {"en": "Things that went wrong (late deliveries…)", "fr": "Incidents subis (livraisons en retard…)"},
    "feature.sentiment": {"en": "Sentiment of comments", "fr": "Tonalité des commentaires"},
    # ---------------------------------------------------------------- voice of the customer section
    "section.voice": {"en": "Voice of the customer: scores and emotions", "fr": "Voix du client : notes et émotions"},
    "voice.none": {"en": "No feedback yet: survey answers, reviews and verbatims feed this section.",
                   "fr": "Pas encore de retours clients : réponses aux enquêtes, avis et verbatims alimentent cette section."},
    "voice.intro": {
        "en": "What customers say and feel: survey scores with their 95 % intervals, then, for each journey, the "
              "emotion curve (the mean sentiment of what customers wrote about each stage's touchpoints) with the "
              "irritants and the “wow” effects behind it.",
        "fr": "Ce que les clients disent et ressentent : les notes d'enquête avec leur intervalle à 95 %, puis, pour "
              "chaque parcours, la courbe des émotions (le sentiment moyen de ce que les clients ont écrit sur les "
              "points de contact de chaque étape) avec les irritants et les effets « wow » qui l'expliquent."},
    "voice.surveys": {"en": "Survey scores", "fr": "Notes d'enquête"},
    "voice.no_surveys": {"en": "No NPS, CSAT or CES answers.", "fr": "Aucune réponse NPS, CSAT ou CES."},
    "voice.metric": {"en": "Metric", "fr": "Indicateur"},
    "voice.value": {"en": "Value", "fr": "Valeur"},
    "voice.interval95": {"en": "95 % interval", "fr": "Intervalle à 95 %"},
    "voice.answers": {"en": "Answers", "fr": "Réponses"},
    "voice.method": {"en": "Interval", "fr": "Intervalle"},
    "voice.too_few": {"en": "too few to read", "fr": "trop peu pour conclure"},
    "voice.surveys_note": {"en": "NPS in points (−100 to 100), CSAT and CES “easy” in % of answers, CES mean on 1–7.",
                           "fr": "NPS en points (−100 à 100), CSAT et CES « facile » en % des réponses, CES moyen sur 1 à 7."},
    "voice.metric.nps": {"en": "NPS", "fr": "NPS"},
    "voice.metric.csat": {"en": "CSAT", "fr": "CSAT"},
    "voice.metric.ces": {"en": "CES (mean)", "fr": "CES (moyenne)"},
    "voice.metric.ces_easy": {"en": "CES easy", "fr": "CES facile"},
    "voice.trend_title": {"en": "Survey scores per month", "fr": "Notes d'enquête par mois"},
    "voice.trend_hover": {"en": "{metric}: {value} [{lo} – {hi}]<br>{n} answers",
                          "fr": "{metric} : {value} [{lo} – {hi}]<br>{n} réponses"},
    "voice.score": {"en": "Score (points or %)", "fr": "Note (points ou %)"},
    "voice.links": {"en": "{linked} of {total} feedback rows tied to a touchpoint. ",
                    "fr": "{linked} retours sur {total} rattachés à un point de contact. "},
    "voice.link_count": {"en": "{what}: {n}", "fr": "{what} : {n}"},
    "voice.link.case": {"en": "by case", "fr": "par dossier"},
    "voice.link.touchpoint": {"en": "by declared touchpoint", "fr": "par point de contact déclaré"},
    "voice.link.last_event": {"en": "by the customer's last event", "fr": "par le dernier événement du client"},
    "voice.link.no_customer": {"en": "unlinked, no customer", "fr": "non rattachés, sans client"},
    "voice.link.case_without_events": {"en": "unlinked, case without events",
                                       "fr": "non rattachés, dossier sans événement"},
    "voice.link.no_event_before": {"en": "unlinked, no event before", "fr": "non rattachés, aucun événement avant"},
    "voice.link.outside_window": {"en": "unlinked, last event too old", "fr": "non rattachés, dernier événement trop ancien"},
    "voice.curve_heading": {"en": "Emotion curve: {journey}", "fr": "Courbe des émotions : {journey}"},
    "voice.curve_title": {"en": "Emotion curve of the journey “{journey}”", "fr": "Courbe des émotions du parcours « {journey} »"},
    "voice.curve_hover": {"en": "<b>{stage}</b><br>mean sentiment {mean} [{lo} – {hi}], {n} texts<br>emotions: {emotions}"
                                "<br>irritants: {irritants}<br>wow: {wows}",
                          "fr": "<b>{stage}</b><br>sentiment moyen {mean} [{lo} – {hi}], {n} textes<br>émotions : {emotions}"
                                "<br>irritants : {irritants}<br>wow : {wows}"},
    "voice.interval": {"en": "95 % interval", "fr": "Intervalle à 95 %"},
    "voice.mean_sentiment": {"en": "Mean sentiment", "fr": "Sentiment moyen"},
    "voice.stage": {"en": "Stage", "fr": "Étape"},
    "voice.texts": {"en": "Texts", "fr": "Textes"},
    "voice.emotions": {"en": "Dominant emotions", "fr": "Émotions dominantes"},
    "voice.aspects_heading": {"en": "Irritants and wow effects, with a verbatim",
                              "fr": "Irritants et effets wow, avec un verbatim"},
    "voice.aspect": {"en": "Aspect", "fr": "Aspect"},
    "voice.count": {"en": "Strong / mentions", "fr": "Forts / mentions"},
    "voice.pull": {"en": "Pull on the stage", "fr": "Effet sur l'étape"},
    "voice.example": {"en": "Example verbatim", "fr": "Verbatim"},
    "voice.kind.irritant": {"en": "Irritant", "fr": "Irritant"},
    "voice.kind.wow": {"en": "Wow", "fr": "Wow"},
    "voice.aspects_note": {
        "en": "Pull: how far the stage's mean sentiment moves with the texts carrying the aspect (irritants "
              "ranked by how much they pull it down, wow effects by how much they lift it).",
        "fr": "Effet : de combien le sentiment moyen de l'étape bouge avec les textes portant l'aspect (irritants "
              "classés selon ce qu'ils font baisser, effets wow selon ce qu'ils font monter)."},
    "voice.outside": {"en": "{n} feedback rows are about touchpoints outside this journey or unlinked.",
                      "fr": "{n} retours portent sur des points de contact hors de ce parcours ou ne sont pas rattachés."},
    "voice.no_curve": {"en": "No journey has feedback text tied to its stages yet.",
                       "fr": "Aucun parcours n'a encore de texte client rattaché à ses étapes."},
    "aspect.delivery": {"en": "Delivery", "fr": "Livraison"},
    "aspect.price": {"en": "Price", "fr": "Prix"},
    "aspect.product_quality": {"en": "Product quality", "fr": "Qualité du produit"},
    "aspect.staff": {"en": "Staff", "fr": "Personnel"},
    "aspect.customer_service": {"en": "Customer service", "fr": "Service client"},
    "aspect.waiting_time": {"en": "Waiting time", "fr": "Temps d'attente"},
    "aspect.billing": {"en": "Billing and payment", "fr": "Facturation et paiement"},
    "aspect.website_app": {"en": "Website and app", "fr": "Site et application"},
    "aspect.returns": {"en": "Returns", "fr": "Retours"},
    "aspect.store": {"en": "Store", "fr": "Magasin"},
    "emotion.joy": {"en": "joy", "fr": "joie"},
    "emotion.trust": {"en": "trust", "fr": "confiance"},
    "emotion.surprise": {"en": "surprise", "fr": "surprise"},
    "emotion.anger": {"en": "anger", "fr": "colère"},
    "emotion.sadness": {"en": "sadness", "fr": "tristesse"},
    "emotion.fear": {"en": "fear", "fr": "peur"},
    "emotion.disgust": {"en": "disgust", "fr": "dégoût"},
    # ---------------------------------------------------------------- quarantine reasons
    "reason.malformed_row": {"en": "Malformed row", "fr": "Ligne illisible"},
    "reason.missing_identifier": {"en": "No customer identifier", "fr": "Aucun identifiant client"},
    "reason.missing_value": {"en": "Required value missing", "fr": "Valeur obligatoire manquante"},
    "reason.bad_timestamp": {"en": "Unreadable date", "fr": "Date illisible"},
    "reason.bad_type": {"en": "Wrong type", "fr": "Type incorrect"},
    "reason.bad_value": {"en": "Value not allowed", "fr": "Valeur non autorisée"},
    "reason.unknown_activity": {"en": "Undeclared activity", "fr": "Activité non déclarée"},
}

_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
}


def check_lang(lang: str | None) -> str:
    """``lang`` if the report speaks it, else a ``ValueError`` that lists the languages.

    >>> check_lang("fr")
    'fr'
    """
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; choose one of: {', '.join(LANGS)}")
    return lang


def t(key: str, lang: str = "en", **values: Any) -> str:
    """The message ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``.

    >>> t("kpi.customers", "fr")
    'Clients'
    >>> t("c360.timeline.all", "en", total="12")
    '12 entries.'
    """
    check_lang(lang)
    try:
        text = MESSAGES[key][lang]
    except KeyError:
        raise KeyError(f"no report message {key!r}") from None
    return text.format(**values) if values else text


def label(prefix: str, code: str | None, lang: str = "en") -> str:
    """The translated label of a data code (``channel``, ``idkind``, ``fbkind``, ``casekind``,
    ``reason``), or the code itself when it has none (user data is shown as it is).

    >>> label("channel", "store", "fr"), label("channel", "kiosk", "fr")
    ('Magasin', 'kiosk')
    """
    if code is None:
        code = "(none)"
    msg = MESSAGES.get(f"{prefix}.{code}")
    return msg[check_lang(lang)] if msg else str(code)


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    return sep.join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


def fmt_num(x: float | None, lang: str = "en", digits: int = 0) -> str:
    """A number with the language's thousands separator and decimal mark (``–`` for missing).

    >>> fmt_num(1234.5, "en", 1), fmt_num(1234.5, "fr", 1) == "1\\u202f234,5"
    ('1,234.5', True)
    """
    check_lang(lang)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    s = f"{abs(float(x)):.{digits}f}"
    whole, _, frac = s.partition(".")
    sep, dec = (",", ".") if lang == "en" else (FR_THOUSANDS, ",")
    out = _group(whole, sep) + (dec + frac if frac else "")
    return ("-" if float(x) < 0 and float(s) != 0 else "") + out


def fmt_int(n: float | None, lang: str = "en") -> str:
    """An integer with the language's thousands separator: ``1,234`` or ``1 234``.

    >>> fmt_int(1234, "en")
    '1,234'
    """
    return fmt_num(n, lang, 0)


def fmt_pct(x: float | None, lang: str = "en", digits: int = 1) -> str:
    """A share (0–1) as a percentage: ``12.5%`` or ``12,5 %``; a share too small to show with
    ``digits`` decimals is ``< 0.1%``, never a misleading ``0.0%``.

    >>> fmt_pct(0.125, "en"), fmt_pct(0.00002, "en")
    ('12.5%', '< 0.1%')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    pct = 100 * x
    floor = 10.0 ** -digits
    n = fmt_num(floor if 0 < abs(pct) < floor else pct, lang, digits)
    prefix = "< " if 0 < abs(pct) < floor else ""
    return f"{prefix}{n}%" if lang == "en" else f"{prefix}{n}\u202f%"


def fmt_date(d: date | datetime | None, lang: str = "en", *, time: bool = False) -> str:
    """A date the way the language writes it: ``3 Nov 2025`` or ``3 nov. 2025`` (with ``time``:
    ``… 14:22``).

    >>> fmt_date(datetime(2025, 11, 3, 14, 22), "fr", time=True)
    '3 nov. 2025 14:22'
    """
    check_lang(lang)
    if d is None or str(d) == "NaT":
        return "–"
    out = f"{d.day} {_MONTHS[lang][d.month - 1]} {d.year}"
    if time and isinstance(d, datetime):
        out += f" {d.hour:02d}:{d.minute:02d}"
    return out


def fmt_month(d: date | datetime, lang: str = "en") -> str:
    """A month: ``Nov 2025`` or ``nov. 2025``.

    >>> fmt_month(date(2025, 2, 1), "fr")
    'févr. 2025'
    """
    check_lang(lang)
    return f"{_MONTHS[lang][d.month - 1]} {d.year}"


def plotly_separators(lang: str = "en") -> str:
    """Plotly's ``layout.separators`` (decimal mark then thousands separator) for the language.

    >>> plotly_separators("en")
    '.,'
    """
    return ".," if check_lang(lang) == "en" else "," + FR_THOUSANDS


__all__ = [
    "LANGS", "MESSAGES", "check_lang", "fmt_date", "fmt_int", "fmt_month", "fmt_num", "fmt_pct", "label",
    "plotly_separators", "t",
]
