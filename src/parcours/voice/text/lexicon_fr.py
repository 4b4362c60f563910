"""French lexicon: opinion words, negation, intensifiers, contrast and CX aspects.

Written for parcours from general knowledge of French (standard, informal and review language,
frequent misspellings); no third-party lexicon was copied. Accents are optional in the text
(keys are normalised). Format: see :mod:`parcours.voice.text.lexicon`.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# Opinion words. Evaluative words (what the writer thinks of the thing) weigh more than words
# that only describe a sad or violent content (a novel about a war is not a bad novel).
# ---------------------------------------------------------------------------------------------
OPINIONS = """
# --- strongly positive ---
excellen(t,te,ts,tes)|exellent|excelent|excelente: 3 joy
excellemment: 2.5 joy
parfai(t,te,ts,tes)|parfais: 3 joy trust
parfaitement: 2
génia(l,le,ux,les)|genialissime|génialissime: 3 joy
magnifique(,s)|magnifiquement|magnifque: 3 joy
merveille(,s)|merveilleu(x,se,ses)|merveilleusement: 3 joy
sublime(,s)|sublimement|sublimissime: 3 joy
superbe(,s)|superbement: 2.5 joy
splendide(,s): 2.5 joy
somptueu(x,se,ses): 2.5 joy
grandiose(,s): 2.5 joy surprise
exceptionnel(,le,s,les)|exceptionel(,le,s,les)|exceptionnellement: 3 joy surprise
extraordinaire(,s)|extraordinairement: 2.5 joy surprise
fantastique(,s): 2.5 joy
formidable(,s): 2.5 joy
fabuleu(x,se,ses): 2.5 joy
prodigieu(x,se,ses): 2.5 surprise
remarquable(,s)|remarquablement: 2.5 trust
admirable(,s)|admirablement: 2.5 trust
brillant(,e,s,es)|brillamment: 2.5 joy
époustouflant(,e,s,es): 3 surprise joy
bluffant(,e,s,es): 2.5 surprise
impressionnant(,e,s,es)|impressionant(,e,s,es): 2 surprise
stupéfiant(,e,s,es): 2 surprise
incroyable(,s)|incroyablement: 2 surprise
inoubliable(,s): 2.5 joy
irrésistible(,s): 2 joy
éblouissant(,e,s,es): 2.5 joy surprise
épatant(,e,s,es): 2.5 joy surprise
renversant(,e,s,es): 2 surprise
chef d'oeuvre|chef d'œuvre|chefs d'oeuvre|chef-d'oeuvre|chef-d'œuvre|chefs-d'oeuvre: 3 joy
coup de coeur|coup de cœur|coups de coeur|coup de coeurs: 3 joy
pépite(,s): 2.5 joy
bijou|bijoux: 2 joy
perle(,s): 2 joy
trésor(,s): 2 joy
régal|régals: 2.5 joy
régalé(,e,s,es)|régaler|régalée: 2.5 joy
délice(,s)|délicieu(x,se,ses)|délicieusement: 2.5 joy
savoureu(x,se,ses): 2 joy
divin(,e,s,es): 2.5 joy
idéa(l,le,ux,les)|idéalement: 2 trust
impeccable(,s)|impeccablement|impecable(,s): 2.5 trust
irréprochable(,s): 2.5 trust
nickel|niquel|nikel: 2 trust
top|topissime|toppissime: 2 joy
au top|au toop: 2.5 joy
génie: 2 surprise
virtuose(,s)|virtuosité: 2.5
incontournable(,s): 2.5 trust
indispensable(,s): 2 trust
must: 2 joy
# --- positive ---
super: 2 joy
extra: 2 joy
chouette(,s): 2 joy
cool|kool: 1.5 joy
sympa(,s)|sympathique(,s)|sympatique(,s): 1.5 joy
génial|géniale: 3 joy
bon(,s,ne,nes)|bonnes: 1.5
bien: 0.5
mieux: 1
meilleur(,e,s,es): 2
beau|beaux|bel|belle(,s): 1.5 joy
joli(,e,s,es)|joliment: 1.5 joy
mignon(,ne,s,nes): 1.5 joy
charmant(,e,s,es): 2 joy
adorable(,s): 2 joy
ravissant(,e,s,es): 2 joy
élégant(,e,s,es)|élégance: 1.5
raffiné(,e,s,es): 1.5
soigné(,e,s,es)|soigneusement: 1.5 trust
agréable(,s)|agréablement|agreable(,s): 2 joy
plaisant(,e,s,es): 1.5 joy
plaisir(,s): 2 joy
bonheur|bonheurs: 2 joy
joie: 1 joy
heureu(x,se,ses): 1.5 joy
heureusement: 1
content(,e,s,es)|contentement: 2 joy
ravi(,e,s,es): 2.5 joy
enchanté(,e,s,es): 2.5 joy
comblé(,e,s,es): 2.5 joy
conquis(,e,es): 2.5 joy
séduit(,e,s,es)|séduisant(,e,s,es): 2 joy
satisfait(,e,s,es)|satisfaction|satisfaisant(,e,s,es)|satisfaite: 2 joy trust
emballé(,e,s,es): 1/-2
enthousiaste(,s)|enthousiasmant(,e,s,es)|enthousiasme: 2 joy
fan: 1.5 joy
aimer|aime|aimes|aimons|aimez|aiment|aimé(,e,s,es)|aimait|aimais|aimerais|aimerait|aimant: 2/-2 joy
jaime|jai aimé|jai aime|jador: 2/-2 joy
adorer|adore|adores|adorons|adorez|adorent|adoré(,e,s,es)|adorais|adorait|jadore: 3/-2 joy
apprécier|apprécie|apprécies|apprécions|appréciez|apprécient|apprécié(,e,s,es)|appréciais|appréciait|appréciable(,s): 2/-2 joy
plaît|plait|plu|plaisait|plairait|plaira: 1.5/-2 joy
kiffer|kiffe|kiffé(,e,s,es)|kif|kiff: 2.5/-2 joy
dévoré(,e,s,es)|dévorer|dévore: 2 joy
savouré(,e,s,es)|savourer: 2 joy
recommander|recommande|recommandes|recommandons|recommandez|recommandé(,e,s,es)|recommandable(,s)|recomande|recommende|recomandé|reco: 2.5/-2.5 trust
conseiller|conseille|conseillons|conseillez|conseillé(,e,s,es): 1/-2 trust
à conseiller|à recommander|a conseiller|a recommander: 2.5/-2.5 trust
vivement conseillé|chaudement recommandé: 3 trust
merci: 0.5 joy
merci beaucoup|mille mercis|grand merci|un grand merci: 2 joy
félicitations|felicitation|félicitation: 2 joy
chapeau|chapeau bas: 2 joy
efficace(,s)|efficacité|efficacement: 2 trust
rapide(,s)|rapidement|rapidité: 1
vite: 0.5
réactif|réactive(,s)|réactifs|réactivité: 2 trust
ponctue(l,lle,ls,lles)|ponctualité: 1.5 trust
fiable(,s)|fiabilité: 2 trust
sérieu(x,se,ses)|sérieusement|serieu(x,se): 1.5 trust
solide(,s)|solidité: 1.5 trust
robuste(,s)|robustesse: 1.5 trust
durable(,s): 1.5 trust
conforme(,s): 1 trust
honnête(,s)|honnêteté|honnetement: 1.5 trust
professionne(l,lle,ls,lles)|professionalisme|professionnalisme|pro: 1.5 trust
compétent(,e,s,es)|compétence(,s): 2 trust
aimable(,s)|amabilité: 2 joy
souriant(,e,s,es)|sourire(,s): 2 joy
accueillant(,e,s,es): 2 joy
chaleureu(x,se,ses)|chaleureusement: 2 joy
serviable(,s): 2 trust
gentil(,le,s,les)|gentillesse|gentiment: 1.5 joy
courtois(,e,es)|courtoisie: 1.5
poli(,e,s,es)|politesse: 1
patient(,e,s,es)|patience: 1 trust
attentionné(,e,s,es)|attentif|attentive(,s)|attentifs: 1.5 trust
arrangeant(,e,s,es): 1.5 trust
disponible(,s)|disponibilité: 1
à l'écoute|a l'ecoute: 2 trust
aux petits soins: 2.5 joy trust
de bon conseil|de bons conseils|bons conseils|bon conseil: 2 trust
pratique(,s): 1.5
facile(,s)|facilement|facilité: 1
simple(,s)|simplement|simplicité: 0.5
intuiti(f,ve,fs,ves): 1.5
ergonomique(,s): 1.5
confortable(,s)|confort: 1.5
utile(,s): 1.5
clair(,e,s,es)|clairement|clarté: 1
limpide(,s): 1.5
lisible(,s): 1
transparent(,e,s,es)|transparence: 1 trust
fluide(,s)|fluidité: 1.5
original(,e,es)|originaux|originalité: 1.5 surprise
intéressant(,e,s,es)|interessant(,e,s,es)|interressant(,e,s,es)|intéréssant(,e,s,es): 1.5
intérêt: 1
passionnant(,e,s,es)|passionant(,e,s,es)|passionné(,e,s,es): 2.5 joy
captivant(,e,s,es): 2.5 joy
prenant(,e,s,es): 1.5
haletant(,e,s,es): 2 surprise
palpitant(,e,s,es): 2 surprise
addicti(f,ve,fs,ves): 2 joy
envoûtant(,e,s,es): 2.5 joy
fascinant(,e,s,es)|fasciné(,e,s,es): 2 surprise
touchant(,e,s,es): 2 joy
émouvant(,e,s,es)|ému(,e,s,es): 2 joy
bouleversant(,e,s,es): 1.5 surprise
poignant(,e,s,es): 1.5
drôle(,s)|drole(,s): 1.5 joy
hilarant(,e,s,es): 2 joy
amusant(,e,s,es)|amusé(,e,s,es): 1.5 joy
marrant(,e,s,es): 1.5 joy
rigolo(,te,s,tes): 1.5 joy
distrayant(,e,s,es)|divertissant(,e,s,es): 1.5 joy
réjouissant(,e,s,es)|réjoui(,e,s,es): 2 joy
rafraîchissant(,e,s,es): 2 joy
pétillant(,e,s,es): 1.5 joy
lumineu(x,se,ses): 1 joy
enrichissant(,e,s,es)|instructi(f,ve,fs,ves): 2 trust
réussi(,e,s,es)|réussite: 2 joy
maîtrisé(,e,s,es)|maîtrise: 1.5 trust
talent(,s)|talentueu(x,se,ses): 2 trust
subtil(,e,s,es)|subtilité|finesse: 1.5
intelligent(,e,s,es)|intelligemment|intelligence: 1.5
justesse: 0.5
riche(,s)|richesse: 1
généreu(x,se,ses)|générosité: 1.5 joy
fraîche(,s)|fraiche(,s)|fraîcheur: 1
propre(,s)|propreté: 0.5 trust
spacieu(x,se,ses): 1
calme(,s): 0.5
correct(,e,s,es)|correctement: 1
raisonnable(,s): 1
abordable(,s): 1.5 @price
bon marché|bon rapport qualité prix|bon rapport qualité-prix: 2 @price
imbattable(,s): 2
avantageu(x,se,ses): 1.5
économique(,s): 1 @price
gratuit(,e,s,es)|gratuitement|offert(,e,s,es): 1
cadeau(,x): 1 joy
vaut le coup|valait le coup|vaut la peine|valait la peine|vaut le détour|vaut vraiment le coup|en vaut la peine: 2
valoir le coup|vaille le coup: 2
mérite(,nt): 1
à l'heure|a l'heure|dans les temps|dans les délais|en avance: 1.5 @delivery?
bien emballé(,e,s,es)|bien protégé(,e,s,es)|bien reçu|bien arrivé(,e,s,es): 1.5 @delivery
rien à redire|rien a redire|rien à dire|rien a dire|rien à reprocher|rien a reprocher: 2 trust
aucun regret|sans regret: 2 joy
que du bonheur|que du bon|que du plaisir: 3 joy
je ne regrette pas|ne regrette pas|ne regrette rien: 2 joy
pas mal: 1.5
pas déçu(,e,s,es): 1.5 joy
fonctionne(,nt)|fonctionnel(,le,s,les)|fonctionner: 0.5/-2
marche|marchent|marcher: 0/-2
tient ses promesses|tenu ses promesses: 2 trust
au rendez-vous|au rendez vous: 1.5/-2
à la hauteur|a la hauteur: 1.5/-2
digne de confiance|de confiance: 2 trust
bonne surprise|agréable surprise|belle surprise|bonne affaire: 2.5 surprise joy
surprise: 0.5 surprise
surpris(,e,es): 0.5 surprise
étonnant(,e,s,es)|étonné(,e,s,es)|étonnamment: 0.5 surprise
inattendu(,e,s,es): 0.5 surprise
surprenant(,e,s,es): 1 surprise
confiance: 1 trust
rassurant(,e,s,es)|rassuré(,e,s,es): 1.5 trust
sécurisé(,e,s,es)|sécurité: 0.5 trust
fidèle(,s): 1 trust
reçu(,e,s,es)|arrivé(,e,s,es): 0/-2 @delivery?
répond|répondu|répondent|réponse(,s)|rappelé|rappeler: 0/-1.5
tout est parfait|tout était parfait: 3 joy
5 étoiles|cinq étoiles|5 etoiles: 2 joy
4 étoiles|quatre étoiles: 1
une étoile|1 étoile|zéro étoile|0 étoile|aucune étoile|une seule étoile: -2
deux étoiles|2 étoiles: -1
# --- appreciation in reviews of books, films, music, places ---
bluffé(,e,s,es)|émerveiller|émerveille(,nt)|surprendre|m'a surpris|m'a surprise: 2 surprise joy
préférence(,s)|sincérité|authenticité|authentique(,s): 1
bouleversé(,e,s,es)|touché(,e,s,es)|remué(,e,s,es)|chamboulé(,e,s,es): 1.5 joy
intrigué(,e,s,es)|intrigant(,e,s,es)|intriguant(,e,s,es)|curiosité: 1 surprise
feel good|feel-good|feelgood|réconfortant(,e,s,es)|doudou: 1.5 joy
fait pour vous|faits pour vous|est fait pour vous|fait pour toi: 1.5 trust
pas fait pour moi|pas faite pour moi|pas faits pour moi|pas faites pour moi: -2 sadness
quelques réserves|des réserves|mes réserves|avec réserve|avec des réserves: -1
impossible de lâcher|impossible à lâcher|impossible de décrocher|impossible de le lâcher|impossible de le poser|pas pu le lâcher|pas pu lâcher|pas pu le poser|pas pu m'arrêter|impossible de m'arrêter: 2.5 joy
plus rien à prouver|plus rien à me prouver|plus rien à nous prouver: 2 trust
je chipote|c'est chipoter|je pinaille|c'est pinailler|pour chipoter|pour pinailler: 1
exactement ce que je voulais|exactement ce que je cherchais|tout ce que j'attendais|ce que j'attendais|conforme à mes attentes|à la hauteur de mes attentes|répond à mes attentes|correspond à mes attentes: 2 trust
je l'utilise tous les jours|utilise tous les jours|je m'en sers tous les jours|sers tous les jours: 1.5 joy
prometteu(r,se,rs,ses): 1
préféré(,e,s,es)|favori(,s)|favorite(,s): 2 joy
magique(,s)|magie: 2 joy surprise
délicatesse|sensibilité|tendresse|douceur: 1.5 joy
délicat(,e,s,es)|sensible(,s): 1
humour|humoristique(,s)|drôlerie|cocasse(,s): 1.5 joy
émotion(,s)|frisson(,s): 1 joy
poésie|poétique(,s): 1.5 joy
jubilatoire(,s)|savoureusement|réjouissant(,e,s,es): 2.5 joy
attachant(,e,s,es)|charismatique(,s)|touchant(,e,s,es): 2 joy
accroché(,e,s,es)|accrocheu(r,se,rs,ses)|accroche|accrocher|accroché dès: 1.5/-2 joy
pris au jeu|happé(,e,s,es)|captivé(,e,s,es)|scotché(,e,s,es)|tenu en haleine|en haleine: 2 joy
dynamique(,s)|rythmé(,e,s,es)|entraînant(,e,s,es): 1
essentie(l,lle,ls,lles)|précieu(x,se,ses): 1.5 trust
inspiré(,e,s,es)|inspirant(,e,s,es)|stimulant(,e,s,es): 1.5 joy
hâte|j'ai hâte|vivement la suite|hâte de lire la suite|hâte de découvrir: 1.5 joy
appris beaucoup|beaucoup appris|énormément appris|appris énormément|appris plein|appris des choses|appris pas mal: 1.5 trust
donne envie|donné envie|donner envie|donne vraiment envie: 1.5 joy
coup de poing|uppercut: 1.5 surprise
d'une traite|d'une seule traite|se lit tout seul|se lit toute seule|se lit bien|se lit facilement|se lit très bien|se lit vite|se dévore|dévoré en: 2 joy
bien écrit(,e,s,es)|bien construit(,e,s,es)|bien ficelé(,e,s,es)|bien mené(,e,s,es)|bien fait(,e,s,es)|bien joué(,e,s,es)|bien pensé(,e,s,es)|bien documenté(,e,s,es)|bien réalisé(,e,s,es)|bien vu|bien trouvé(,e,s,es): 2 trust
à voir absolument|à lire absolument|à ne pas manquer|à découvrir|à découvrir absolument|à lire|à voir|a voir|a lire: 1.5 trust
un régal|un vrai régal|un pur moment|un bon moment|un très bon moment|un excellent moment|un moment agréable|passé un bon moment|passé un très bon moment|passé un excellent moment: 2.5 joy
rebondissement(,s)|suspense|suspens: 1 surprise
abouti(,e,s,es): 2 trust
culte(,s)|mythique(,s)|légendaire(,s): 1.5 joy
unique(,s): 1
beauté|bel ouvrage|belle lecture|belle découverte|bonne lecture|belle réussite|beau moment|beau roman|beau livre|beau film: 2 joy
découverte: 0.5 joy
régale|régalée|régalés: 2.5 joy
bravo à|chapeau à|merci à l'auteur|merci à l'autrice: 2 joy
convaincu(,e,s,es)|convaincant(,e,s,es)|convainc: 1.5/-2 trust
# --- disappointment in reviews of books, films, music, places ---
le seul point positif|la seule chose positive|le seul intérêt|seul intérêt|seule qualité|la seule qualité|le seul bon point: -1
j'aurais aimé|j'aurais voulu|j'aurais préféré|aurais aimé|aurais voulu|aurais préféré|aurait pu être|aurait mérité|j'espérais mieux|espérais mieux|attendais mieux|attendais plus|m'attendais à mieux|m'attendais à plus: -1.5 sadness
déchanté|déchanter|désenchanté(,e,s,es)|désillusion(,s)|désenchantement: -2 sadness
mitigé(,e,s,es)|circonspect(,e,s,es)|sceptique(,s)|dubitati(f,ve,fs,ves)|avis partagé|sentiment partagé|sentiments partagés|suis partagé|suis partagée: -1.5 sadness
navet(,s)|nanar(,s)|bidon|bidons|nullité: -2.5 disgust
surcoté(,e,s,es)|surestimé(,e,s,es)|survendu(,e,s,es)|surfait(,e,s,es)|hype: -1.5
prétentieu(x,se,ses)|pompeu(x,se,ses)|ampoulé(,e,s,es)|alambiqué(,e,s,es): -2
convenu(,e,s,es)|cousu de fil blanc|déjà vu|déjà-vu|réchauffé(,e,s,es): -1.5
sans surprise|sans surprises: 0
sans mauvaise surprise|aucune mauvaise surprise|pas de mauvaise surprise|sans frais cachés: 1.5 trust
poussi(f,ve,fs,ves)|essoufflé(,e,s,es)|s'essouffle|s'essoufle|tourne en rond|traîne en longueur|traine en longueur|longuet|à dormir debout|tiré par les cheveux: -2
consternant(,e,s,es)|affligeant(,e,s,es)|navrant(,e,s,es)|accablant(,e,s,es)|désolant(,e,s,es): -2.5 sadness
désuet|désuète(,s)|désuets|datée(,s)|un peu daté|très daté|mal vieilli|a mal vieilli|vieillot(,te,s,tes)|ringard(,e,s,es): -1
abracadabrant(,e,s,es)|rocambolesque(,s)|farfelu(,e,s,es)|grotesque(,s): -1.5
maladroit(,e,s,es)|maladresse(,s)|brouillon(,ne,s,nes)|fouillis|bancal(,e,es)|bâclé(,e,s,es)|bâclage|bacle: -2
mal écrit(,e,s,es)|mal construit(,e,s,es)|mal ficelé(,e,s,es)|mal fait(,e,s,es)|mal joué(,e,s,es)|mal traduit(,e,s,es)|mal conçu(,e,s,es)|mal fini(,e,s,es)|mal foutu(,e,s,es): -2
à côté de la plaque|ne tient pas la route|tient pas la route|tombé des mains|tombe des mains|en diagonale|pas ma tasse de thé|pas pour moi|passé(,e,s,es) à côté: -2 sadness
ne l'a pas fait|l'a pas fait|ça ne l'a pas fait|ça l'a pas fait: -2 sadness
a fait mieux|a déjà fait mieux|fait beaucoup mieux|a fait bien mieux|j'ai connu mieux|on a vu mieux|déjà vu mieux|déjà lu mieux|on a connu mieux: -1.5
navré(,e,s,es)|désolé(,e,s,es): -1 sadness
sans saveur|sans âme|sans intérêt|aucun intérêt|peu d'intérêt|pas d'intérêt|sans relief|sans fond: -2 sadness
pas accroché|pas accrochée|jamais accroché|jamais accrochée|pas adhéré|pas réussi à accrocher|pas réussi à rentrer|pas réussi à entrer|du mal à rentrer|du mal à entrer|du mal à accrocher|eu du mal: -2 sadness
j'ai abandonné|pas pu finir|pas réussi à finir|pas terminé|jamais fini: -1.5 sadness
je me suis ennuyé|je me suis ennuyée|on s'ennuie|s'ennuie: -2 sadness
saveur(,s): 1
adhéré|adhérer|adhère: 1/-2
vide(,s)|vacuité: -1
plat|plats|platitude(,s): -1
inintéressant(,e,s,es)|inintéréssant(,e,s,es): -2
rien de plus|rien de transcendant|rien de spécial|rien d'exceptionnel|rien d'extraordinaire|rien de nouveau|rien de folichon|pas transcendant|pas folichon: -1.5
# --- restaurants, hotels, shops ---
copieu(x,se,ses)|copieusement|généreusement servi(,e,s,es)|bien servi(,e,s,es)|fait maison|faits maison|produits frais|cuisine maison|portions généreuses: 2 joy
fondant(,e,s,es)|croustillant(,e,s,es)|parfumé(,e,s,es)|goûteu(x,se,ses)|succulent(,e,s,es)|raffiné|bien cuit(,e,s,es)|cuit à point|cuisson parfaite: 2 joy
cadre agréable|cadre magnifique|cadre sympa|bel endroit|lieu magnifique: 2 joy @store
bon accueil|très bon accueil|accueil chaleureux|accueil souriant|service impeccable|service rapide|service efficace|bon service|service au top: 2 joy @staff
immangeable(,s)|imbuvable(,s)|trop cuit(,e,s,es)|pas assez cuit(,e,s,es)|pas cuit(,e,s,es)|brûlé(,e,s,es)|cramé(,e,s,es)|caoutchouteu(x,se,ses)|graisseu(x,se,ses)|huileu(x,se,ses)|sec|sèche(,s)|secs|industrie(l,lle,ls,lles)|surgelé(,e,s,es)|tiède(,s)|insipide(,s): -2 disgust
intoxication|intoxication alimentaire|malade après|cheveu dans|cafard(,s)|rat(,s)|souris morte|punaise(,s)|punaises de lit|moisissure(,s): -3 disgust
service lent|service déplorable|service catastrophique|mauvais accueil|accueil glacial|accueil froid|accueil désagréable|service désagréable|service nul|service inexistant: -2.5 anger @staff
amateur(,s)|amateurisme|bas de gamme|piètre(,s): -2
de mauvaise qualité|mauvaise qualité|qualité médiocre|qualité déplorable|piètre qualité: -2 @product_quality?
attracti(f,ve,fs,ves)|alléchant(,e,s,es)|intéressant niveau prix: 1.5
respecté(,e,s,es): 1.5 trust
tenu(,e,s,es) les délais|délais respectés|délai respecté: 1.5 trust @delivery?
compréhensi(f,ve,fs,ves)|à l'écoute de|arrangeant(,e,s,es): 1.5 trust
de qualité|de bonne qualité|de très bonne qualité|de grande qualité|de haute qualité|de belle qualité|bonne qualité|très bonne qualité|excellente qualité|qualité irréprochable: 2 @product_quality?
arrivé(,e,s,es) en bon état|arrivé(,e,s,es) intact(,e,s,es)|arrivé(,e,s,es) rapidement|arrivé(,e,s,es) à temps|arrivé(,e,s,es) en parfait état|reçu(,e,s,es) rapidement|reçu(,e,s,es) en parfait état|reçu(,e,s,es) en bon état: 1.5 @delivery
correspond|correspondent|correspondait|correspondre|conforme à la description: 0.5/-1.5
joindre|contacter|contacté(,e,s,es)|joignable(,s): 0/-1.5
remboursement(,s)|remboursé(,e,s,es)|rembourser: 0/-1.5
# --- mildly negative ---
impossible(,s): -1.5
impossible de joindre|impossible à joindre|impossible de contacter|impossible d'avoir quelqu'un|impossible de les joindre: -2 anger @customer_service?
erroné(,e,s,es)|incorrect(,e,s,es)|faux|fausse(,s): -1.5
parcours du combattant|galère sans nom|un enfer|l'enfer: -2 anger
chaotique(,s)|anarchique(,s)|désorganisé(,e,s,es)|mal organisé(,e,s,es): -2
introuvable(,s): -1
bof|boff|mouais: -1.5
moyen(,ne,s,nes)|moyennement: -0.5
aucun moyen|aucun moyen de|pas moyen|pas moyen de: -1.5
pas assez: -1
passable(,s): -0.5
médiocre(,s)|médiocrité: -2
sans plus: -1
basique(,s): -0.5
limitée(,s)|limités|très limité|trop limité|assez limité|un peu limité: -1
dommage(,s): -1 sadness
hélas|helas: -1 sadness
malheureusement|malheureusemen: -1 sadness
regret(,s)|regrette(,s,nt)|regretté|regrettable(,s): -1.5 sadness
bémol(,s)|bemol: -1
seul bémol|petit bémol|léger bémol|seul défaut|seul reproche|seul point négatif|seule ombre au tableau|seul petit bémol|seul petit défaut|seul hic: -0.5
hic: -1
point négatif|points négatifs|point faible|points faibles: -1.5
point positif|points positifs|point fort|points forts: 1.5
défaut(,s): -1.5
inconvénient(,s): -1
problème(,s)|probleme(,s)|pb|pbs|souci(,s): -1.5
soucis: -1.5
difficulté(,s): -1.5
erreur(,s): -1.5
faute(,s): -1
bug(,s)|bugs|bugue|bugué(,e,s,es)|buggé(,e,s,es)|beug(,s)|beugue: -1.5
plantage(,s)|a planté|plante sans arrêt|plante tout le temps|plante souvent|plante régulièrement|qui plante|ça plante|plantent sans arrêt: -1.5
panne(,s)|en panne|tombé en panne|hors service: -2
manque(,nt)|manquant(,e,s,es)|manqué: -1
absent(,e,s,es)|aux abonnés absents: -1
lent(,e,s,es)|lentement|lenteur(,s): -1.5
long à|longue à|trop long|longuet(,te,s,tes): -1
longueur(,s): -1
interminable(,s): -2
compliqué(,e,s,es)|complexe(,s): -1
difficile(,s)|difficilement: -0.5
confus(,e,es)|confusion: -1.5
flou(,e,s,es): -1
bizarre(,s): -0.5
étrange(,s): 0
froid(,e,s,es): -0.5
fade(,s): -1.5
plate(,s)|platitude(,s)|à plat: -1
creu(x,se,ses): -1.5
superficiel(,le,s,les): -1.5
prévisible(,s): -1
cliché(,s)|clichés: -1
banal(,e,s,es)|banalité: -1
classique(,s): 0
simpliste(,s): -1.5
répétiti(f,ve,fs,ves)|répétition(,s)|redondant(,e,s,es): -1.5
lassant(,e,s,es)|lassé(,e,s,es)|lassitude: -2 sadness
ennui: -1.5 sadness
ennuyeu(x,se,ses)|ennuyant(,e,s,es)|ennuyé(,e,s,es)|ennuie|ennuyer|ennuyée: -2 sadness
soporifique(,s)|barbant(,e,s,es)|rasoir: -2
endormi(,e,s,es): -1
laborieu(x,se,ses): -1.5
pénible(,s)|péniblement: -2 anger
lourd(,e,s,es)|lourdeur(,s)|lourdingue(,s): -1
pesant(,e,s,es): -1.5
indigeste(,s): -2
décousu(,e,s,es): -1.5
incohérent(,e,s,es)|incohérence(,s): -2
invraisemblable(,s)|invraisemblance(,s): -1.5
caricatura(l,le,ux,les): -1.5
niais(,e,es)|mièvre(,s)|gnangnan|cucul: -2 disgust
vulgaire(,s)|vulgarité: -2 disgust
glauque(,s)|malsain(,e,s,es): -1.5 disgust
déroutant(,e,s,es)|perplexe(,s): -1
décevant(,e,s,es)|decevent(,e,s,es): -2 sadness
déception(,s)|deception: -2 sadness
déçu(,e,s,es)|decu(,e,s,es)|décue: -2 sadness
frustrant(,e,s,es)|frustré(,e,s,es)|frustration(,s): -2 anger sadness
insatisfait(,e,s,es)|insatisfaction: -2 anger
mécontent(,e,s,es)|mécontentement: -2 anger
dégradé(,e,s,es)|dégradation: -1.5
raté(,e,s,es)|loupé(,e,s,es): -2
échec|échoue(,nt)|échoué: -2
abandonné|abandonner|abandon: -1
inutile(,s)|inutilement: -2
inutilisable(,s): -2.5
faible(,s)|faiblesse(,s): -1.5
fragile(,s): -1
cassé(,e,s,es)|casse|cassant: -2
abîmé(,e,s,es)|abimé(,e,s,es)|endommagé(,e,s,es)|détérioré(,e,s,es): -2
rayé(,e,s,es)|tachée(,s)|troué(,e,s,es)|écrasé(,e,s,es)|enfoncé(,e,s,es)|éventré(,e,s,es)|déchiré(,e,s,es)|fissuré(,e,s,es)|cabossé(,e,s,es): -1.5
défectueu(x,se,ses): -2.5
bruyant(,e,s,es)|bruit: -1
sale(,s)|saleté(,s)|crasseu(x,se,ses): -2 disgust
désordre|bordel: -1.5
mal: -1
mauvais(,e,es)|mauvaisement: -2
pas terrible: -1.5
pas top: -1.5
pas génial|pas genial: -1.5
peut mieux faire|aurait pu être mieux: -1.5
cher|chère|chers|chères|onéreu(x,se,ses): -1 @price
hors de prix|exorbitant(,e,s,es)|excessi(f,ve,fs,ves)|prohibiti(f,ve,fs,ves): -2 @price
trop cher|beaucoup trop cher|bien trop cher: -2 @price
pas cher|pas chère|pas chers|pas chères|pas trop cher: 1.5 @price
pas donné|pas donnée: -1 @price
coûte un bras|coûte une fortune|prix fort|le prix fort: -2 @price
payant(,e,s,es): -0.5
frais cachés: -2 anger @billing
en retard|retard(,s): -1.5 @delivery
retardé(,e,s,es): -1 @delivery?
jamais reçu(,e,s,es)|jamais arrivé(,e,s,es)|toujours pas reçu|toujours pas arrivé|rien reçu: -2.5 anger @delivery?
jamais livré(,e,s,es)|pas livré(,e,s,es)|toujours pas livré(,e,s,es)|pas été livré(,e,s,es)|jamais été livré(,e,s,es): -2.5 anger @delivery
perdu(,e,s,es): -1 sadness
attendre|attendu|attendue|attendus|attendre longtemps|attendu longtemps: 0/1.5 @waiting_time
attente|attendu des heures: -0.3/1.5 @waiting_time
j'ai attendu|on a attendu|nous avons attendu|ai attendu|a attendu|il a fallu attendre|dû attendre|du attendre|fallu attendre|on attend|j'attends|on attendait|j'attendais: -1/1.5 @waiting_time
plus tôt que prévu|avant la date prévue|plus vite que prévu|en avance: 1.5 @delivery
une éternité|des heures|des plombes|des siècles: -1.5 @waiting_time
injoignable(,s): -2 anger
impoli(,e,s,es)|grossier|grossière(,s)|grossiers|malpoli(,e,s,es): -2 anger @staff
désagréable(,s)|desagreable(,s): -2 anger
agressi(f,ve,fs,ves)|agressivité: -2 anger
arrogant(,e,s,es)|hautain(,e,s,es)|méprisant(,e,s,es)|condescendant(,e,s,es): -2 anger @staff
incompétent(,e,s,es)|incompétence|incompetent(,e,s,es): -2.5 anger
débordé(,e,s,es): -1
malhonnête(,s)|malhonnêteté: -2.5 anger
raccroché|raccroche|raccrocher: -1.5 anger
m'a baladé|m'a baladée|nous a baladés|vous balade|on m'a baladé|baladé de service en service|renvoie la balle|renvoient la balle|se renvoient la balle: -1.5 anger
s'en fiche|s'en fichent|s'en fout|s'en foutent|s'en moque|s'en moquent: -2.5 anger
annulé(,e,s,es)|annulation: -0.5
reporté(,e,s,es)|report(,s): -1
refusé(,e,s,es)|refus|refuse(,nt): -1.5 anger
# --- strongly negative ---
nul|nulle(,s)|nuls|nullissime|nulos|null: -2.5 disgust
naze(,s)|nase(,s)|pourri(,e,s,es)|merdique(,s)|daube|bouse: -2.5 disgust
horrible(,s)|horriblement|horreur(,s): -2.5 disgust
affreu(x,se,ses)|affreusement: -2.5 disgust
épouvantable(,s): -2.5
exécrable(,s)|execrable(,s): -3 disgust
lamentable(,s)|déplorable(,s)|pitoyable(,s)|minable(,s): -2.5 disgust
catastrophique(,s)|catastrophe(,s)|désastre(,s)|désastreu(x,se,ses)|fiasco: -2.5 sadness
pire(,s): -2.5
la pire|le pire|les pires: -3
immonde(,s)|infect(,e,s,es)|dégueulasse(,s)|degueu|dégueu|crade(,s)|cradingue: -3 disgust
dégoûtant(,e,s,es)|dégoûté(,e,s,es)|dégoût|écœurant(,e,s,es)|écoeurant(,e,s,es)|répugnant(,e,s,es)|ecoeuré(,e,s,es): -2.5 disgust
puant(,e,s,es)|pue|moisi(,e,s,es)|périmé(,e,s,es): -2 disgust
scandaleu(x,se,ses)|scandale(,s): -2.5 anger
inadmissible(,s)|inacceptable(,s)|intolérable(,s)|honteu(x,se,ses)|honte: -2.5 anger
inadmissibles: -2.5 anger
révoltant(,e,s,es)|révolté(,e,s,es)|indigné(,e,s,es)|scandalisé(,e,s,es)|outré(,e,s,es)|choquant(,e,s,es)|choqué(,e,s,es): -2 anger
furieu(x,se,ses)|furax|fou de rage|folle de rage|rage|enragé(,e,s,es): -2.5 anger
colère|en colère: -2 anger
énervé(,e,s,es)|énervant(,e,s,es)|agaçant(,e,s,es)|agacé(,e,s,es)|irritant(,e,s,es)|exaspérant(,e,s,es)|exaspéré(,e,s,es): -2 anger
insupportable(,s)|infernal(,e,es)|infernaux: -2.5 anger
fâché(,e,s,es): -1.5 anger
marre|ras le bol|ras-le-bol|j'en ai marre|saoulant(,e,s,es)|soûlant(,e,s,es): -2 anger
chiant(,e,s,es)|gonflant(,e,s,es)|relou(,s)|galère(,s)|galérer|galéré: -2 anger
épuisant(,e,s,es)|épuisé(,e,s,es): -1.5 sadness
ridicule(,s)|ridiculement|grotesque(,s)|absurde(,s): -2 anger
stupide(,s)|idiot(,e,s,es)|débile(,s): -2 anger
bête(,s)|bêtement: -1
conne(,s)|connerie(,s): -1.5 anger
merde|merdes|putain: -2 anger
arnaque(,s)|arnaqué(,e,s,es)|arnaqueur(,s)|escroc(,s)|escroquerie(,s)|escroqué(,e,s,es): -3 anger @price
voleurs|voleuses|volé(,e,s,es)|c'est du vol: -2.5 anger
mensonge(,s)|mensonger(,s)|mensongère(,s)|menteur(,s)|menteuse(,s)|menti|ment|mentent: -2.5 anger
trompé(,e,s,es)|tromperie(,s)|trompeu(r,se,rs,ses): -2.5 anger
abusé(,e,s,es)|abusi(f,ve,fs,ves)|abus: -2 anger
foutage de gueule|se fout de|se foutent de|se moque de|se moquent de|on se moque: -3 anger
n'importe quoi: -2 anger
à fuir|a fuir|fuyez|fuyez-les: -3 fear anger
à éviter|a eviter|évitez|à éviter absolument: -2.5
plus jamais|jamais plus|plus jamais ça: -2 anger
perte de temps|perte d'argent|argent jeté|gaspillage|jeté par la fenêtre: -2.5 anger
gâché(,e,s,es)|gâcher|gâche: -2 sadness
regrette mon achat|regrette cet achat: -2.5 sadness
# --- review idioms general to any product or service ---
déconseiller|déconseille|déconseilles|déconseillons|déconseillez|déconseillent|déconseillé(,e,s,es)|à déconseiller|a deconseiller: -2.5 anger
laisse à désirer|laissent à désirer|laisse vraiment à désirer|laisse beaucoup à désirer|laisse un peu à désirer|laisse fortement à désirer|laissait à désirer|laissaient à désirer|laisser à désirer|laisse a desirer: -2
ne sert à rien|sert à rien|ne servent à rien|servent à rien|ne servait à rien|servait à rien|sert a rien: -2
ne vaut rien|vaut rien|ne valent rien|valent rien|ne vaut pas grand-chose|vaut pas grand chose: -2
ne vaut pas son prix|vaut pas son prix|ne vaut pas le prix|vaut pas le prix|ne les vaut pas: -2 @price
vaut son prix|vaut largement son prix|vaut bien son prix|en a pour son argent|en avoir pour son argent|en ai eu pour mon argent|pour mon argent: 1.5 @price?
fait le job|fait le boulot|fait le travail|fait l'affaire|font le job|font l'affaire|remplit son rôle|remplit parfaitement son rôle|remplit sa fonction: 1.5 trust
merci pour rien|merci de rien|merci pour tout ça: -2 anger
mal reçu(,e,s,es)|mal accueilli(,e,s,es)|mal conseillé(,e,s,es)|mal renseigné(,e,s,es)|mal informé(,e,s,es)|mal servi(,e,s,es)|mal emballé(,e,s,es)|mal protégé(,e,s,es)|mal traité(,e,s,es)|mal soigné(,e,s,es): -2 anger
bien accueilli(,e,s,es)|bien conseillé(,e,s,es)|bien renseigné(,e,s,es)|bien informé(,e,s,es)|bien traité(,e,s,es)|bien soigné(,e,s,es)|bien pris en charge: 2 trust
cauchemar(,s)|cauchemardesque(,s): -2.5 fear
inexistant(,e,s,es): -2 anger
en deçà|en deca|bien en dessous|pas au niveau|pas du niveau: -1.5
sans hésiter|sans hésitation|les yeux fermés|sans aucune hésitation: 1 trust
rien de bien|rien de bon: -1.5
je reviendrai|nous reviendrons|on reviendra|j'y retournerai|nous y retournerons|on y retournera|je repasserai commande|je recommanderai|je rachèterai|je rachète|je renouvelle: 2/-2 trust
on ne m'y reprendra plus|on ne m'y reprendra pas|plus jamais de commande: -2 anger
plaisir coupable|plaisirs coupables: 1.5 joy
fait suer|me suis fait suer|m'a fait suer|fait chier|me suis ennuyé ferme: -2 anger
pas que du bon|pas toujours bon|pas toujours au rendez-vous: -1.5
compliment(,s)|éloge(,s)|élogieu(x,se,ses)|que des éloges|que des compliments: 2 joy
jamais failli|sans faille|infaillible(,s)|jamais déçu(,e,s,es)|jamais été déçu(,e,s,es): 2 trust
rien à leur reprocher|rien à lui reprocher|rien à vous reprocher|rien à leur redire|rien à y redire|rien à dire de plus: 2 trust
rien fait pour|rien fait pour m'aider|rien fait pour nous aider|rien faire pour|rien pu faire: -2 anger
en vaut la chandelle|valait la chandelle: 2/-2
aux anges|sur un petit nuage|aux petits oignons|une tuerie|c'est une tuerie|mission accomplie|je valide: 2.5 joy
fait le taf|fait le taff|font le taf|fait bien le taf: 1.5/-1.5 trust
au-delà de mes attentes|au-delà de nos attentes|au dela de mes attentes|dépasse mes attentes|dépassé mes attentes|dépassé nos attentes|dépasse toutes mes attentes|au-dessus de mes attentes: 2.5 joy surprise
# --- emotions with little evaluative weight (content words) ---
triste(,s)|tristesse|tristement: -0.5 sadness
pleuré|pleurer|larmes: 0 sadness
chagrin|mélancolie|mélancolique(,s)|nostalgie|nostalgique(,s): 0 sadness
déprimé(,e,s,es)|déprimant(,e,s,es)|déprime: -1.5 sadness
peur(,s)|effrayant(,e,s,es)|effrayé(,e,s,es)|terrifiant(,e,s,es)|terrifié(,e,s,es)|angoisse(,s)|angoissant(,e,s,es)|angoissé(,e,s,es): -0.5 fear
inquiet|inquiète(,s)|inquiets|inquiétant(,e,s,es)|inquiétude(,s): -1 fear
crainte(,s)|craindre|craint|redoute|redouter: -0.5 fear
stress|stressant(,e,s,es)|stressé(,e,s,es): -1 fear
méfiance|méfiez-vous|méfiez vous|méfiant(,e,s,es)|prudence: -1.5 fear
dangereu(x,se,ses)|danger(,s): -1.5 fear
risque(,s)|risqué(,e,s,es): -0.5 fear
piège(,s)|piégé(,e,s,es): -2 fear anger
suspect(,e,s,es)|louche(,s): -1.5 fear
haine|détester|déteste|détesté(,e,s,es)|détestable(,s): -2 anger
jaloux|jalouse: -0.5 anger
confiant(,e,s,es): 1.5 trust
fier|fière(,s)|fiers|fierté: 1.5 joy
rire(,s)|rit|ri: 1 joy
sourit: 1 joy
joyeu(x,se,ses): 2 joy
gai(,e,s,es)|gaieté: 1.5 joy
euphorie|euphorique(,s): 2 joy
émerveillé(,e,s,es)|émerveillement: 2.5 joy surprise
ébahi(,e,s,es)|sidéré(,e,s,es)|stupéfait(,e,s,es)|abasourdi(,e,s,es): 0 surprise
"""


_VERB = ("e", "es", "ent", "é", "ée", "és", "ées", "ais", "ait", "aient", "ons", "ez", "era", "erait", "eront", "ant")


def inflections(word: str) -> list[str]:
    """Feminine, plural and (for -er verbs) conjugated forms of a French opinion word.

    The lexicon lists lemmas and the forms people misspell; the compiler gives every other form
    the lemma's meaning (forms that the lexicon spells itself keep their own entry).

    >>> inflections("heureux"), inflections("sportif"), inflections("ravi")
    (['heureuse', 'heureuses'], ['sportive', 'sportives', 'sportifs'], ['ravie', 'ravis', 'ravies'])
    >>> inflections("décevoir"), inflections("parfaitement"), inflections("génial")
    ([], [], ['géniale', 'géniales', 'géniaux'])
    >>> inflections("déconseiller")[:4], inflections("léger")[-3:]
    (['déconseille', 'déconseilles', 'déconseillent', 'déconseillé'], ['légère', 'légères', 'légers'])
    """
    w = word
    if len(w) < 3 or w.endswith("ment") or not w.isalpha():
        return []
    if w.endswith("eux"):
        return [w[:-1] + "se", w[:-1] + "ses"]
    if w.endswith("euse"):
        return [w + "s", w[:-2] + "x"]
    if w.endswith("if"):
        return [w[:-1] + "ve", w[:-1] + "ves", w + "s"]
    if w.endswith("ive"):
        return [w + "s", w[:-2] + "f", w[:-2] + "fs"]
    if w.endswith(("el", "eil")):
        return [w + "le", w + "les", w + "s"]
    if w.endswith("ien"):
        return [w + "ne", w + "nes", w + "s"]
    if w.endswith("al"):
        return [w + "e", w + "es", w[:-1] + "ux"]
    if w.endswith("er") and len(w) > 4:
        stem = w[:-2]
        return [stem + x for x in _VERB] + [stem + "ère", stem + "ères", w + "s"]
    if w.endswith("ée"):  # not back to "-é": "datée" is listed without "daté", which folds to "date"
        return [w + "s"]
    if w.endswith("e"):
        return [w + "s"]
    if w.endswith(("é", "i", "u", "t", "d", "in", "ain")):
        return [w + "e", w + "s", w + "es"]
    return []  # -s, -x: already plural, or too ambiguous to inflect


# A broad general-purpose word list under the hand-written entries (see data/README.md): the
# French translation of the VADER lexicon, valences -4..4 brought to this lexicon's -3..3 scale.
EXTERNAL = {"fr_vader.tsv.gz": 0.75}
# Left out of that list: the words that name events, people and things of the world (war, death,
# crime, illness, weapons; love, friends, heroes, holidays) rather than judge what is reviewed: the
# list rates them strongly, but a novel about a war is not a bad novel, nor a story of friendship a
# good one, and a review that tells a story is neither a complaint nor praise (the hand-written
# lexicon makes the same choice for its own words, see the content words above); and the entries
# whose French sense differs from the English word translated ("roman", "prix", "fois", "part",
# "forme", "profiter" = enjoy, "avec impatience" = eagerly, "dingue" = amazing as often as crazy,
# "critique" = a review as often as a criticism, "prise en charge" = taken care of).
EXTERNAL_SKIP = """roman prix
guerre guerres mort morts mourir décès meurtre meurtres meurtrier meurtriers tueur tueurs tueuse assassin
assassins assassinat assassiné assassinée crime crimes criminel criminelle criminels victime victimes viol violé
violée torture torturé prison prisonnier prisonniers cancer maladie maladies malade malades deuil funérailles
enterrement cadavre terrorisme terroriste terroristes bombe armée armées bataille batailles combat combats
ennemi ennemis esclavage drame drames tragédie tragédies démon démons diable sorcière fantôme veuf veuve
pauvreté blessé blessés blessure accident accidents violence arme armes fusil pistolet tuer tue tué tuée morte
suicide racisme harcèlement vengeance crise conflit conflits dépression attaque
amour amours amant amante amants amoureux amoureuse ami amis amie amies amitié héros héroïne héroïnes soleil
vacances dieu ange anges paradis victoire paix justice fête fêtes liberté romance romances
fois part forme prise prises pose unis prête murs lance lancée mode ordre empire source concerne ah s
profiter profite impatience interroge dingue critique critiques envie partir peine charge cache
habitants procès feu poursuit disparu disparue disparaît enfer"""

# Forward negators: negate the opinion words that follow (up to 3 tokens, within the clause).
NEGATORS = """sans|ni|non|peu|moyennement|en moins de|en moins d'|moins de|moins d'|guère|nullement|à peine|a peine|loin d'être|loin d'etre|
personne ne|personne n'|rien ne|rien n'|aucun ne|aucune ne|nulle part"""
NE = "ne|n'"
# "pas que" is "not only" (a neutral phrase below), except after a verb of opinion
_RAISE_PAS_QUE = """pense pas que|trouve pas que|trouvais pas que|dirais pas que|dis pas que|
crois pas que|dirai pas que|pense pas qu'|trouve pas qu'|crois pas qu'|dirais pas qu'"""
NEG_PAIR = _RAISE_PAS_QUE + "|pas|jamais|rien|aucun|aucune|aucuns|aucunes|pas du tout|pas vraiment|pas trop|pas très|pas si|pas tellement"
NEG_PAIR_NE = "plus|personne|point"
ONLY = "que|qu'"
# Verbs of opinion: negated, they negate what they introduce, up to the end of the clause ("je n'ai
# pas trouvé le personnel particulièrement aimable", "je ne pense pas que ce soit un bon choix"). Not
# "je ne pensais pas que ce serait aussi bien": an expectation exceeded asserts what follows.
NEG_RAISING = """trouvé|trouvée|trouvés|trouvées|trouve|trouves|trouvons|trouvez|trouvent|trouvais|trouvait|
trouverais|trouverait|pense|penses|pensons|pensez|pensent|crois|croit|
dirais|dirait|dirai|dis|dit|estime|estimais|considère|considérais|impression|sentiment|sens|sentais|montré|montrée|
""" + _RAISE_PAS_QUE
NEUTRAL = """non seulement|jamais été aussi|jamais été autant|jamais aussi|jamais autant|jamais vu aussi|jamais vu autant|
jamais eu aussi|jamais mangé aussi|jamais dormi aussi|jamais été si|jamais si|
bons avis|les bons avis|avis très positifs|avis positifs|critiques très positives|critiques positives|de bons avis|avis positifs|les avis positifs|avis élogieux|les avis élogieux|bonnes critiques|
les bonnes critiques|critiques élogieuses|bonnes notes|les bonnes notes|beaucoup aiment|beaucoup ont aimé|tout le monde adore|
tout le monde a aimé|tout le monde a adoré|mauvais avis|les mauvais avis|avis négatifs|les avis négatifs|mauvaises critiques|
les mauvaises critiques|mauvaises notes|les mauvaises notes|sans aucun doute|sans nul doute|sans doute|rien à voir|rien a voir|
quelle n'a pas été|quel n'a pas été|quelle ne fut pas|quel ne fut pas|quelle ne fût pas|quelle n'était pas|
pas seulement|pas que|ne serait-ce|n'est-ce pas|pas encore|
plus ou moins|eh bien|ou bien|bien sûr|bien sur|bien entendu|si bien que|tant bien que mal|
bien des|pas mal de|pas mal d'|bon de|bon d'|à quoi bon|moyen de|moyen d'|moyens de|au moyen|non plus|
m'attendais pas à|m'attendais pas a|attendais pas à|attendais pas a|s'attendait pas à|mal de|mal du|mal au|mal aux|
pas fini de|pas fini d'|inutile de|inutile d'|pas besoin de|merci de|merci d'|le mal|au mal|du mal au|bien-être|
son propre|sa propre|ses propres|leur propre|leurs propres|mon propre|ma propre|mes propres|propre à|
à peu près|a peu pres|peu importe|depuis peu|sous peu|avant peu|si ce n'est que"""

INTENSIFIERS = {
    "très|tres|trés|trèèès": 0.3,
    "vraiment|vrament|vraimen|réellement|sincèrement": 0.3,
    "tellement|telement|si": 0.3,
    "super|hyper|ultra|méga|mega|giga": 0.5,
    "extrêmement|extremement|infiniment|incroyablement|extraordinairement|follement|terriblement": 0.5,
    "particulièrement|spécialement|profondément|hautement|vivement|fortement|chaudement": 0.35,
    "totalement|complètement|absolument|entièrement|tout à fait|tout a fait|carrément|vachement|grave": 0.4,
    "franchement|clairement|parfaitement|vraiment très": 0.2,
    "beaucoup|bcp|énormément|enormement|un max|à fond": 0.35,
    "fort": 0.2,
    "assez": -0.1,
    "plutôt|plutot|relativement": -0.05,
    "un peu|un petit peu|un brin|légèrement|quelque peu|un poil": -0.4,
    "moins": -1.5,
    "le plus|la plus|les plus|le moins": 0.3,
    "vrai|vraie|véritable|véritables|gros|grosse|grosses|énorme|énormes|grand|grande|total|totale|réel|réelle|pur|pure": 0.25,
}
# "pas très bon": "pas" negates, "très" would also intensify; the phrases above keep the nuance.

CONTRAST = """autant cette fois|autant là|autant ici|autant celui-ci|autant celle-ci|alors que|alors qu'|tandis que|tandis qu'|mais|cependant|pourtant|néanmoins|neanmoins|toutefois|par contre|en revanche|
malgré tout|malgre tout|reste que|il n'empêche|seulement voilà|sinon"""
CONCESSION = """semblait|paraissait|bien que|bien qu'|quoique|quoiqu'|malgré|malgre|même si|meme si|en dépit de|en depit de|
même s'|meme s'|certes"""
# Stated expectations ("je m'attendais à un excellent service, ..."): in a review they announce a
# disappointment, so the opinions in the clause they open count reversed, and by half.
EXPECTATION = """je pensais|je croyais|je m'attendais à|je m'attendais a|je m'attendais|on s'attendait à|
j'espérais|j'esperais|on espérait|je comptais sur|j'étais persuadé|j'étais persuadée|j'étais sûr|j'étais sûre|
j'étais convaincu|j'étais convaincue|censé être|censée être|censés être|censées être|était censé|était censée|
sur le papier|en théorie|promettait|promettaient|s'annonçait|s'annonçaient|devait être|aurait dû être|
j'avais hâte|j'avais vraiment hâte|j'attendais beaucoup|j'en attendais beaucoup|j'attendais avec impatience|
j'avais de grandes attentes|j'avais beaucoup d'attentes|j'avais de grands espoirs"""
CONCLUSION = """bref|en bref|en résumé|en resume|au final|finalement|en conclusion|pour conclure|
en somme|dans l'ensemble|globalement|au total|en définitive|en gros|pour résumer|conclusion|verdict"""
EXCEPT = "sauf|à part|a part|hormis|excepté|mis à part|mis a part|si ce n'est"
CONJUNCTION = "et|ou|puis|mais aussi|mais également|mais egalement|ainsi que"
TOO = "trop|bien trop|beaucoup trop|un peu trop|vraiment trop"
DIMENSION = """long|longue|longs|longues|court|courte|courts|courtes|petit|petite|petits|petites|
grand|grande|grands|grandes|gros|grosse|lent|lente|cher|chère|chers|lourd|lourde|léger|légère|
compliqué|compliquée|sucré|sucrée|salé|salée|épicé|chaud|chaude|froid|froide|serré|serrée|large|
juste|tard|tôt|vieux|vieille|bruyant|bruyante|sombre|violent|violente|technique|
dense|simple|facile|rapide|rapidement|vite|loin|dur|dure|souvent|étroit|étroite|fin|fine|fragile"""

# Explicit mentions of CX aspects.
ASPECT_TERMS = {
    "delivery": """livraison(,s)|livrée(,s)|livrer|a été livré|été livré|bien livré|livré rapidement|
livré à temps|livré dans les temps|livré en retard|livré à domicile|livré chez moi|livré en 24h|livré en 48h|
livré en 24 h|livré en 48 h|livré le lendemain|livré hier|livré en avance|livré en point relais|livré au bureau|livreur(,s)|livreuse(,s)|colis|
expédition(,s)|expédié(,e,s,es)|expédier|envoi(,s)|envoyé|transporteur(,s)|transport|la poste|
colissimo|chronopost|mondial relay|relais colis|point relais|ups|dhl|fedex|emballage(,s)|carton(,s)|
paquet(,s)|acheminement|délai de livraison|délais de livraison|suivi de livraison|suivi du colis|
suivi de commande|réception du colis|la commande est arrivée|commande reçue|commande arrivée|
délais annoncés|délai annoncé""",
    "price": """prix|tarif(,s)|tarification|coût(,s)|coute|coûte|coûter|coûtent|promo(,s)|promotion(,s)|
réduction(,s)|remise(,s)|soldes|rapport qualité prix|rapport qualité-prix|rapport qualite prix|
rapport q/p|budget|frais de port|frais de livraison|frais d'envoi|euro(,s)|dollar(,s)|montant""",
    "product_quality": """qualité|qualite|qualités|produit(,s)|article(,s)|finition(,s)|matériau(,x)|
matière(,s)|tissu(,s)|fabrication|conception|solidité|durabilité|fiabilité|appareil(,s)|
marchandise|objet(,s)|modèle|vêtement(,s)|qualité de fabrication|qualité du produit|qualité des produits""",
    "staff": """personnel|vendeur(,s)|vendeuse(,s)|employé(,e,s,es)|conseiller|conseillers|conseillère(,s)|
équipe(,s)|serveur(,s)|serveuse(,s)|technicien(,s)|technicienne(,s)|agent(,s)|caissier(,s)|
caissière(,s)|hôtesse(,s)|accueil|réceptionniste(,s)|gérant(,e,s,es)|patron(,ne,s,nes)|
responsable(,s)|manager(,s)|commerc(ial,iale,iaux)|interlocut(eur,rice,eurs)|opérat(eur,rice,eurs,rices)|
standardiste(,s)|service|le monsieur|la dame|la jeune femme|le jeune homme|staff|vendeurs""",
    "customer_service": """accueil téléphonique|service téléphonique|service client|service clients|service clientèle|service après-vente|
service après vente|service apres vente|sav|hotline|assistance|support|centre d'appel|
relation client|service consommateur|service consommateurs|standard téléphonique""",
    "waiting_time": """attente|attendre|attendu|attend|attendent|patienter|
patienté|file d'attente|temps d'attente|faire la queue|queue|mise en attente|délai|délais""",
    "billing": """facture(,s)|facturation|facturé(,e,s,es)|facturer|paiement(,s)|payer|prélèvement(,s)|
prélevé(,e,s,es)|prélever|débit|débité(,e,s,es)|carte bancaire|abonnement(,s)|résiliation|
frais de résiliation|frais bancaires|mensualité(,s)|échéance(,s)""",
    "website_app": """site|site web|site internet|internet|appli(,s)|application(,s)|app|apps|en ligne|
interface|page d'accueil|page web|page de paiement|espace client|compte client|connexion|mot de passe|identifiant(,s)|bouton(,s)|
navigation|moteur de recherche|panier|mise à jour|mises à jour|mise a jour|réservation en ligne""",
    "returns": """retour(,s)|retourner|retourné(,e,s,es)|renvoyer|renvoyé(,e,s,es)|renvoi|
remboursement(,s)|remboursé(,e,s,es)|rembourser|échange(,s)|échanger|échangé(,e,s,es)|
bon de retour|étiquette de retour|rétractation|délai de remboursement""",
    "store": """magasin(,s)|boutique(,s)|agence(,s)|enseigne(,s)|rayon(,s)|rayonnage(,s)|caisse(,s)|
parking|point de vente|locaux|cabine(,s)|vitrine(,s)|showroom|supermarché|hypermarché""",
}

# Words whose valence depends on the aspect they describe.
CONDITIONAL = {
    "long|longue|longs|longues|longtemps": {"waiting_time": -1.5, "delivery": -1.5, "returns": -1.5,
                                          "customer_service": -1},
    "court|courte|courts|courtes": {"waiting_time": 1.5, "delivery": 1.5},
    "élevé|élevée|élevés|élevées|haut|hauts": {"price": -1.5, "billing": -1.5},
    "bas|basse|basses|modique|modiques|petit prix|petits prix": {"price": 1.5, "billing": 1},
    "augmenté|augmentée|augmente|augmentent|augmentation|hausse|doublé|doublée": {"price": -1.5, "billing": -1.5},
    "baissé|baissée|baisse": {"price": 1, "product_quality": -1.5},
    "gratuit|gratuite|gratuits|gratuites": {"delivery": 1.5, "returns": 1.5},
    "simple|simples": {"returns": 1.5, "website_app": 1.5},
    "plein|pleine|bondé|bondée|monde": {"store": -1, "waiting_time": -1},
    "vide": {"store": -0.5},
    "ouvert|ouverte": {"delivery": -1.5},
    "piquent|pique|salé|salée|salés|salées|corsé|corsée": {"price": -1.5, "billing": -1.5},
    "deux fois|2 fois|double": {"billing": -1.5},
    "semaine|semaines|mois|jours": {"delivery": -1.5, "returns": -1.5, "waiting_time": -1.5,
                                  "customer_service": -1},
    "heure|heures|h": {"waiting_time": -1.5, "customer_service": -1.5},
}
