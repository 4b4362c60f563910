"""English lexicon: opinion words, negation, intensifiers, contrast and CX aspects.

Written for parcours from general knowledge of English (standard, informal and review language,
frequent misspellings and apostrophe-less contractions); no third-party lexicon was copied.
Format: see :mod:`parcours.voice.text.lexicon`.
"""

from __future__ import annotations

OPINIONS = """
# --- strongly positive ---
excellent|excelent|exellent|excellently|excellence: 3 joy
perfect|perfectly|perfection|perfecto|purrfect: 3 joy trust
amazing|amazingly|amazin|amazeballs|amaze|amazed: 3 joy surprise
awesome|awsome|awesomeness|awesom: 3 joy
fantastic|fantastically|fantastico: 3 joy
wonderful|wonderfully|wonderfull: 3 joy
outstanding|superb|superbly|exceptional|exceptionally: 3 joy
brilliant|brilliantly|briliant: 2.5 joy
magnificent|splendid|marvelous|marvellous|sublime|stellar|phenomenal|fabulous|fab|fabulously: 3 joy
incredible|incredibly|unbelievable|unbelievably|astonishing|astounding|stunning|breathtaking: 2.5 surprise joy
impressive|impressed|impressively: 2.5 surprise
remarkable|remarkably|extraordinary: 2.5 surprise
terrific|tremendous|spectacular|sensational|mind-blowing|mindblowing|mind blowing: 2.5 joy surprise
love|loves|loved|loving|luv|lovin|loove|luvs: 3/-2 joy
adore|adores|adored|adorable: 3 joy
best|bestest: 2.5 joy
the best|the very best: 3 joy
flawless|flawlessly|impeccable|impeccably|spotless: 2.5 trust
top notch|top-notch|top quality|top of the line|top-of-the-line|first class|first-class|world class|five star|5 star|5 stars|five stars|10/10: 3 joy
works like a charm|worked like a charm|like a charm: 2.5 joy
gem|gems|jewel|masterpiece|treasure: 2.5 joy
lifesaver|life saver|game changer|game-changer|godsend: 2.5 joy
must have|must-have|a must: 2.5 joy
highly recommend|highly recommended|strongly recommend|definitely recommend|would recommend|will recommend|totally recommend: 3 trust
thrilled|delighted|ecstatic|overjoyed: 3 joy
# --- positive ---
great|greatest|gr8|grate: 2.5 joy
good|gud: 1.5
goodness: 1
better: 1
nice|nicely|nicer|nicest: 1.5 joy
fine: 0.5
well: 0.5
pretty: 1 joy
beautiful|beautifully|beauty|gorgeous|lovely|cute|elegant|stylish|sleek|classy: 2 joy
cool|kool|neat|sweet|rad|dope|epic: 1.5 joy
awesome sauce|the bomb: 2.5 joy
happy|happily|happier|happiest: 2 joy
glad|pleased|pleasure|pleasing|pleasant|pleasantly: 2 joy
satisfied|satisfying|satisfaction|satisfactory: 1.5 joy trust
content: 0.5
enjoy|enjoys|enjoyed|enjoying|enjoyable|enjoyment: 2/-1.5 joy
like|likes|liked|liking: 1/-1.5 joy
i like|we like|i really like|really like|really liked|i liked|we liked|really likes: 2/-1.5 joy
fun|funny|fun to use|hilarious|entertaining|amusing: 2 joy
joy|joyful|delight|delightful|delightfully: 2.5 joy
fan|big fan|huge fan: 1.5 joy
recommend|recommends|recommended|recommending|reccomend|recomend|recommed|recommendation: 2.5/-2.5 trust
worth|worth it|worth the money|worth every penny|worth the price|well worth|worthwhile: 2/-2
value for money|great value|good value|excellent value|great deal|good deal|bargain|steal: 2 @price
affordable|inexpensive|reasonably priced|well priced|fairly priced|budget-friendly|budget friendly: 1.5 @price
cheap|cheaper|cheapest: 0.5 @price
reasonable|reasonably|fair|fairly: 1
decent|decently|solid|solidly|sturdy|durable|robust|well made|well-made|well built|well-built: 1.5 trust
reliable|reliably|dependable|trustworthy|trusted|legit|honest|honestly: 1.5 trust
high quality|high-quality|good quality|great quality|excellent quality: 2 @product_quality
quick|quickly|fast|faster|speedy|swift|swiftly|prompt|promptly|rapid|rapidly: 1.5
on time|on-time|in time|ahead of schedule|ahead of time|arrived early|came early|right on time|spot on|earlier than expected|sooner than expected: 1.5 @delivery?
worth the wait: 2
well packed|well packaged|carefully packed|securely packed|nicely packaged: 1.5 @delivery
efficient|efficiently|effective|effectively|productive: 2 trust
easy|easily|easier|easiest|effortless|effortlessly|straightforward|hassle free|hassle-free|hasslefree|painless|seamless|seamlessly: 1.5
simple|simply|simplicity: 0.5
intuitive|user friendly|user-friendly|userfriendly|ergonomic: 1.5
convenient|conveniently|convenience|handy|practical|versatile: 1.5
useful|helpful|helpfull|usefull|beneficial|valuable: 2 trust
friendly|friendliest|kind|kindly|kindness|sweetheart|warm|welcoming|courteous|polite|respectful|gracious: 2 joy @staff?
knowledgeable|knowledgable|competent|skilled|skillful|professional|professionally|professionalism|expert|experienced: 2 trust
attentive|caring|patient|patience|accommodating|responsive|helpfulness|considerate|thoughtful: 2 trust
smiling|cheerful|smile|smiles: 1.5 joy
clean|cleaner|tidy|neat and tidy|spotlessly clean: 1.5
comfortable|comfy|cozy|cosy|comfort: 1.5 joy
clear|clearly|crisp|sharp|accurate|precise|exact: 1
smooth|smoothly|fluid|responsive: 1.5
works|working|worked|work: 0.3/-2
functional|functions: 0.5/-2
as described|as advertised|as pictured|as expected|exactly as described|true to size: 1.5 trust
lived up to|lives up to|live up to: 1.5/-2
met my expectations|meets expectations|exceeded my expectations|exceeds expectations|beyond expectations: 2.5 joy surprise
exceeded|exceeds|exceed: 1
original|creative|innovative|clever|smart|smarter|intelligent|brilliant idea: 1.5
interesting|fascinating|engaging|captivating|compelling|gripping|riveting|absorbing: 2 joy
touching|moving|heartwarming|heart-warming|uplifting|inspiring|inspirational: 2 joy
refreshing|fresh: 1 joy
rich|generous: 1
safe|secure|safely|securely: 1 trust
free|for free|free of charge|complimentary: 1
gift: 0.5 joy
thank|thanks|thank you|thankyou|thx|ty|thanks a lot|thank you so much|many thanks: 1.5 joy
grateful|appreciate|appreciated|appreciative|appreciation: 2 joy trust
congratulations|well done|good job|great job|nice job|keep it up|keep up the good work: 2.5 joy
win|winner|winning|wins: 1.5 joy
success|successful|successfully: 1.5 joy
improved|improvement|improvements|upgrade: 0.5
surprised|surprise|surprising|surprisingly|unexpected|unexpectedly: 0.5 surprise
pleasant surprise|nice surprise|pleasantly surprised|happy surprise: 2.5 surprise joy
wow factor|blown away|blew me away|mind blown: 3 surprise joy
hope|hoping|hopeful: 0.3 trust
trust|confident|confidence|reassured|reassuring: 1.5 trust
proud|pride: 1.5 joy
calm|relaxing|relaxed|peaceful|quiet|quietly: 1 joy
excited|exciting|excitement|thrilling|can't wait|cannot wait|cant wait: 2 joy surprise
no complaints|can't complain|cannot complain|cant complain|nothing to complain about|no issues|no problems|no problem|not a single issue|zero issues|zero problems|never had a problem|never had an issue|never had any issues|never had any problems: 1.5 trust
couldn't be happier|could not be happier|couldnt be happier|couldn't be more pleased|couldn't ask for more|couldn't ask for a better|could not ask for more|can't beat|cannot beat|cant beat|can't go wrong|cannot go wrong|cant go wrong: 3 joy
not bad|not too bad|not half bad: 1
buy again|buy another|buying another|bought another|bought a second|ordering more|order again|purchase again|will be back|would go back|coming back: 1.5/-2
favorite|favourite|fave|favorites|favourites|my favorite|my favourite: 2 joy
adequate|sufficient: 0.5
inspired|inspiring|inspires: 1.5 joy
everything i expected|all i expected|everything i wanted|exactly what i wanted|exactly what i needed|just what i needed|just what i wanted|what i expected|as good as expected|as good as advertised: 2 trust
use it every day|use it everyday|use it daily|use them daily|use it all the time|use them all the time|use it constantly|use it a lot|use them every day|use mine every day: 1.5 joy
no big deal|not a big deal|not a problem|not an issue: 0.5
get it to work|get it working|got it to work|got it working|get them to work: 0.5/-2
cracked up to be|what it's cracked up to be|all it's cracked up to be: 1/-2
buy|purchase: 0/-2
# --- appreciation in reviews of books, films, food and places ---
feel good|feel-good|feelgood|comforting|heartening|wholesome: 1.5 joy
blown me away|floored: 1.5 joy surprise
intrigued|intriguing: 1 surprise
charming|witty|heartfelt|heartwarming|endearing|lovable|likeable|likable|captivating|enchanting|magical: 2 joy
memorable|unforgettable|timeless|classic|iconic|legendary: 2 joy
suspenseful|thrilling|intense|page-turner|page turner|couldn't put it down|could not put it down|hooked|addictive|binge-worthy: 2 joy
well written|well-written|beautifully written|well acted|well-acted|great acting|superb acting|brilliant acting|beautifully shot|well directed|well-directed|well crafted|well-crafted|well done|well executed|well-executed|well thought out: 2 trust
must see|must-see|must read|must-read|worth watching|worth reading|worth seeing|worth a visit|worth the trip|worth the drive|worth a try|a must see|go see it|highly entertaining: 2.5 trust
tasty|delicious|delish|yummy|yum|scrumptious|flavorful|flavourful|mouth-watering|mouthwatering|savory|succulent|tender|juicy|perfectly cooked|cooked to perfection|to die for|finger-licking: 2.5 joy
generous portions|huge portions|generous portion|plenty of food|good portions|homemade|home-made|fresh ingredients: 1.5 joy
cozy atmosphere|great atmosphere|nice atmosphere|great ambiance|nice ambiance|great vibe|good vibes: 2 joy @store
great service|excellent service|fast service|friendly service|great staff|friendly staff|amazing service|good service: 2 joy @staff
recommended|recommend it|recommend this|recommend them: 2.5/-2.5 trust
enjoyed it|loved it|loved this|loved the|love it|love this|love the: 3/-2 joy
# --- disappointment in reviews of books, films, food and places ---
cheesy|corny|wooden|forgettable|unwatchable|unreadable|unbearable|cringe|cringy|cringey|cringeworthy|lackluster|lacklustre|uninspiring|pretentious|overrated|overhyped|over-hyped|over rated|campy: -2
dragged|drags|drags on|dragged on|slow-paced|slow paced|too slow|plot holes|plot hole|overacted|overacting|bad acting|poor acting|terrible acting|awful acting|poorly written|badly written|poorly acted|badly acted|poorly directed|made no sense|makes no sense|doesn't make sense|does not make sense|pointless plot: -2
stale|soggy|overcooked|undercooked|under-cooked|over-cooked|greasy|oily|burnt|burned|tasteless|flavorless|flavourless|inedible|rubbery|chewy|dry|lukewarm|cold food|food was cold|raw|frozen food|microwaved: -2 disgust
food poisoning|got sick|made me sick|hair in|bug in|cockroach|cockroaches|rat|rats|mice|flies: -3 disgust
slow service|terrible service|bad service|poor service|awful service|horrible service|worst service|rude service|rude staff|rude waiter|rude waitress: -2.5 anger @staff
subpar|sub-par|below average|below par|not up to par|second rate|second-rate|third rate|amateurish|amateur: -2
walked out|left early|sent it back|send it back|sent back|sent the food back: -2
attractive|appealing|tempting|competitive|competitively priced: 1.5
understanding|sympathetic|accommodating|flexible: 1.5 trust
welcomed|greeted|warmly|warm welcome|warmly welcomed: 1.5 joy @staff?
arrived fine|arrived safely|arrived safe|arrived intact|arrived in good condition|arrived in perfect condition|arrived quickly|arrived promptly|arrived fast|arrived early|arrived on time|came quickly|came fast|came early: 1.5 @delivery
match|matches|matched|matching: 0.3/-1.5
reach|contact|get through|get hold of|reachable: 0/-1.5
no surprises|no nasty surprises|no bad surprises|no hidden fees|no hidden charges|no hidden costs: 1.5 trust
minor gripe|minor complaint|small gripe|small complaint|nitpick|nit pick|nitpicking|only gripe|only complaint|only downside|only con|only issue|only problem|only negative: -0.5
can't put it down|cant put it down|couldn't stop|could not stop|couldnt stop: 2.5 joy
quality is there|quality is still there|the quality is there|quality's there: 1.5 @product_quality
# --- mildly negative ---
excessive|excessively|exorbitantly: -1.5
unpleasant|disagreeable|obnoxious|hostile: -2 anger
chaotic|disorganized|disorganised|badly organized|badly organised|poorly organized|poorly organised|shambles: -2
refused to|refuses to|failed to|fails to|fail to: -1.5
nowhere to be found|nowhere to be seen|no one to be found|to be found: -1/-1
ordeal|nightmare to|a nightmare|hell to: -2 anger
nope|nah: -1
big deal: -1
would love it if|would love this if|would be nice if|would be great if|would be better if|would have been nice|would have been better|would have liked|would've liked|would have loved|i wish|wish it|wish they|wish there|if only|hoped for more|hoping for more|expected more from: -1.5 sadness
to be improved|could be improved|can be improved|needs to be improved|need to improve|needs work|need work|needs some work: -1.5
the only good thing|only good thing|the only positive|only positive thing|the only thing good|only redeeming: -1
no way to|no way of|there is no way|there's no way: -1.5
unable to|can't get it to|cannot get it to|couldn't get it to|couldnt get it to|impossible to|unable: -1
rebooting|restarting|resetting|freezing up|keeps rebooting|keeps crashing|keeps dropping|keeps disconnecting|keeps losing|keeps freezing|keeps restarting|keeps cutting out|cuts out|cutting out: -1.5
meh|so-so|so so|mediocre|average|ordinary|unremarkable|underwhelming|underwhelmed: -1.5
okayish|ok-ish|just ok|just okay: -0.3
just fine|works fine|work fine|worked fine: 1
bland|boring|bored|dull|tedious|monotonous|repetitive|uninspired|predictable|cliched|cliché|generic: -1.5 sadness
confusing|confused|confusion|complicated|convoluted|cumbersome|clunky|awkward|unintuitive|counterintuitive: -1.5
difficult|difficulty|difficulties|hard to|tricky|challenging: -1
slow|slowly|slower|slowness|sluggish|laggy|lag|lags|lagging: -1.5
late|delayed|delay|delays|overdue|behind schedule: -1.5 @delivery
limited|basic|lacking|lacks|lack|lacked|missing|missed: -1
flimsy|fragile|weak|weakness|thin|cheaply|cheaply made|cheap quality|poorly made|badly made|poor quality|low quality|low-quality: -2 @product_quality
noisy|loud|annoying noise|buzzing|static: -1
dirty|filthy|grimy|messy|mess|sticky|stained|smelly|stinks|stinky|smells|smell: -2 disgust
uncomfortable|itchy|scratchy|painful|hurts: -1.5
issue|issues|problem|problems|problematic|trouble|troubles|troublesome|concern|concerns: -1.5
bug|bugs|buggy|glitch|glitches|glitchy|error|errors|crash|crashes|crashed|crashing|freezes|froze|frozen|freezing|hangs: -1.5
disconnects|disconnecting|disconnected|drops|dropping|dropped|unresponsive|unplug|reset|resets|reboot|reboots|restart: -1
fail|fails|failed|failing|failure|failures|malfunction|malfunctions|malfunctioning: -2
broke|broken|break|breaks|breaking|cracked|damaged|dented|crushed|squashed|smashed|scratched|scratches|torn|ripped|leaking|leaks|leaked|defect|defects|defective|faulty|busted|dead on arrival|doa: -2
stopped working|stop working|stops working|quit working|quit on me|died|dies|dead|gave out|gave up: -2
wrong|wrongly|incorrect|incorrectly|mistake|mistakes|mistaken|inaccurate: -1.5
unfortunately|unfortunate|sadly|alas|regrettably|too bad|shame|a shame|pity|a pity: -1 sadness
disappoint|disappoints|disappointed|disappointing|disappointment|dissapointed|disapointed|dissapointing|disapointing|disappointingly|letdown|let down|let me down: -2 sadness
frustrated|frustrating|frustration|frustrates: -2 anger
annoyed|annoying|annoys|annoyance|irritated|irritating|aggravating|aggravated|bothersome: -2 anger
unhappy|dissatisfied|unsatisfied|unsatisfactory|displeased: -2 anger sadness
regret|regrets|regretted|regretting|regrettable: -2 sadness
sorry: -0.5 sadness
unreliable|inconsistent|spotty|hit or miss|hit and miss: -2
useless|pointless|worthless|unusable|unuseable|waste|wasted|wasting|a waste: -2.5
waste of money|waste of time|money down the drain|throwing money away|not worth it|not worth the money: -3 anger
overpriced|over priced|pricey|expensive|costly|steep|rip off|ripoff|rip-off|price gouging|highway robbery: -1.5 @price
too expensive|way too expensive|far too expensive|way overpriced|extortionate|exorbitant: -2.5 @price
rude|rudely|impolite|disrespectful|condescending|arrogant|dismissive|unprofessional|unfriendly|grumpy: -2 anger @staff?
incompetent|incompetence|clueless|useless staff|unhelpful|unhelpfull: -2.5 anger
ignored|ignore|ignores|ignoring: -1.5 anger
unreachable|unresponsive|never answered|never responded|no response|no reply|never replied|never heard back|no answer: -2 anger
hung up|hangs up|hang up: -1.5 anger
on hold|put on hold|kept on hold|forever|ages|an eternity|hours on the phone: -1.5 @waiting_time
never arrived|never came|never received|never got it|never showed up|didn't arrive|did not arrive|didnt arrive|not delivered|not received|still waiting|lost in transit|lost package|lost parcel: -2.5 anger @delivery?
received|arrived|came: 0/-2 @delivery?
delivered: 0/-2 @delivery
got nothing|received nothing|nothing arrived|nothing came|never got anything: -2 anger @delivery?
waited|waiting: -0.5/1.5
wait: 0/1.5
answer|answered|answers|reply|replied|respond|responded|response|responses|call back|called back|callback: 0/-1.5
cancelled|canceled|cancellation: -0.5
rescheduled: -1
refused|refuse|refuses|denied|deny|declined|rejected: -1.5 anger
returned it|returning it|sent it back|send it back|sending it back|had to return|will be returning|going back to the store: -1.5
return|returned|returning: 0
refund|refunded|refunds: 0/-1.5
want my money back|asked for a refund|asking for a refund: -2 anger
avoid|avoid at all costs|stay away|steer clear|beware|buyer beware: -2.5 fear
never again|never buying again|never ordering again|won't be back|wont be back|will not be back|won't be going back|not coming back|will never return|never going back|last time: -2.5 anger
could be better|could have been better|could've been better|should be better|expected better|expected more|leaves a lot to be desired|left a lot to be desired|leaves much to be desired|needs improvement|room for improvement: -1.5
could be worse: 0.5
has done better|have done better|seen better|read better|had better|i've had better|i have had better|i've seen better|i have seen better|done much better: -1.5
# --- strongly negative ---
bad|badly|baddest: -2
poor|poorly|poorer: -1.5
not great|not good|not very good: -1.5
terrible|terribly|horrible|horribly|awful|awfully|dreadful|atrocious|abysmal|appalling|horrendous|horrid: -2.5 disgust
worst|worse|the worst: -2.5
garbage|trash|junk|crap|crappy|rubbish|shit|shitty|sucks|sucked|suck|lousy|lame|pathetic|piece of junk|piece of crap|piece of garbage|piece of shit: -2.5 disgust
disgusting|disgusted|gross|nasty|revolting|repulsive|vile|sickening|yuck|yucky|icky|moldy|mouldy|rotten|expired: -2.5 disgust
hate|hated|hates|hating|hateful|detest|loathe|despise: -2.5 anger
angry|angered|mad|furious|livid|outraged|outrageous|infuriating|infuriated|enraged|pissed|pissed off|fuming|seething: -2.5 anger
ridiculous|ridiculously bad|absurd|laughable|a joke|is a joke|what a joke|nonsense: -2 anger
drives me crazy|driving me crazy|drove me crazy|drives me nuts|driving me nuts: -2 anger
unacceptable|inexcusable|unforgivable|shameful|disgraceful|disgrace|scandalous|scandal|shocking|appalled: -2.5 anger
scam|scammed|scammer|scammers|fraud|fraudulent|conned|ripped off|cheated|cheat|cheating|stole|stolen|theft|thieves|robbed|robbery: -3 anger
lie|lied|lies|liar|liars|lying|misleading|mislead|misled|deceptive|deceived|dishonest|false advertising|bait and switch: -2.5 anger
disaster|disastrous|catastrophe|catastrophic|nightmare|hell|hellish|fiasco|debacle: -2.5 fear
stupid|dumb|idiot|idiotic|moronic|silly: -2 anger
fed up|sick of|tired of|had enough|exhausting|exhausted|draining: -2 anger
hassle|pain|pain in the|headache|ordeal|struggle|struggled|struggling: -1.5 anger
# --- emotion words with little evaluative weight ---
sad|sadness|sadden|saddened|heartbroken|heartbreaking|depressing|depressed|miserable|gloomy|cry|cried|crying|tears: -1 sadness
upset|upsetting|hurt|hurtful: -2 sadness anger
lonely|alone|grief|grieving|mourning: -0.5 sadness
afraid|scared|scary|fear|fears|feared|frightening|frightened|terrified|terrifying|horror|panic|panicked: -1 fear
worried|worry|worries|worrying|anxious|anxiety|nervous|uneasy|concerned|concerning|alarming|alarmed: -1.5 fear
dangerous|danger|unsafe|hazard|hazardous|risky|risk|risks|threat|threatening|toxic: -1.5 fear
suspicious|sketchy|shady|dodgy|fishy: -2 fear
creepy|creeped out|spooky|eerie: -1.5 fear disgust
shocked|stunned|speechless|astonished|astounded|baffled|puzzled|bewildered: 0 surprise
weird|strange|odd|bizarre|funky: -0.5 surprise
"""

NEGATORS = """not|no|never|without|within|in under|in less than|nothing|nobody|none|neither|nor|nowhere|hardly|barely|scarcely|
cannot|can't|cant|don't|dont|doesn't|doesnt|didn't|didnt|isn't|isnt|wasn't|wasnt|aren't|arent|
weren't|werent|won't|wont|wouldn't|wouldnt|couldn't|couldnt|shouldn't|shouldnt|haven't|havent|
hasn't|hasnt|hadn't|hadnt|ain't|aint|mustn't|needn't|no longer|not at all|not even|far from|
anything but|lack of|zero|instead of|rather than|failed to|fails to|fail to|unable to|refused to|
refuses to|stopped being|no way|never ever|not once"""
NEUTRAL = """didn't expect to|did not expect to|didnt expect to|wasn't expecting to|was not expecting to|
never expected to|didn't think i would|didn't think i'd|did not think i would|would love|i would love|i'd love|no it|no i|no you|no we|no they|no this|no that|no he|no she|
no it's|no i'm|not only|no doubt|no wonder|no matter|no idea|nothing but|not sure|no need|no matter what|
without a doubt|without doubt|none other|not just|no one else|but also|pretty much|very much|
as well|as well as|well as|well known|oh well|all well|feel like|feels like|looks like|look like|
looked like|sounds like|sound like|seems like|seem like|just like|would like|i'd like|i would like|we'd like|we would like|like to|likes to|
i'm sure|make sure|fine print|no offense|free time|free to|feel free|
not that|if not|whether or not|or not|as soon as|so far|so that|so i|so we|so it|so the|so this|
even so|and so|so much so"""

INTENSIFIERS = {
    "very|really|realy|rly|so|sooo|soo|truly|genuinely|seriously|real|mighty|damn|darn|bloody|freaking|fricking|effing|friggin|hella": 0.3,
    "extremely|incredibly|insanely|exceptionally|immensely|enormously|tremendously|unbelievably|ridiculously|outrageously|amazingly|exceedingly|super|ultra|mega": 0.5,
    "absolutely|totally|completely|utterly|thoroughly|entirely|fully|perfectly|100 percent|crazy|insanely|wholly|downright|flat out|beyond": 0.4,
    "highly|deeply|particularly|especially|remarkably|strongly|greatly|hugely|massively|majorly|terribly|awfully|horribly|painfully|dreadfully": 0.4,
    "definitely|definately|defiantly|certainly|surely|clearly|obviously|honestly|literally": 0.2,
    "so much|very much|much|way|far|a lot|a lot more|lots|by far|more than": 0.3,
    "most|the most|quite|pretty|rather|fairly": 0.15,
    "somewhat|slightly|a bit|a little|a little bit|a tad|kind of|kinda|sort of|sorta|mildly|marginally|moderately|partially|partly|a touch": -0.4,
    "almost|nearly|relatively|reasonably": -0.2,
    "less|least|the least": -1.5,
}

CONTRAST = """but|however|though|nevertheless|nonetheless|yet|whereas|on the other hand|that said|that being said|
having said that|then again|be that as it may|otherwise|regardless"""
CONCESSION = """promised|seemed|looked promising|sounded promising|was supposed to|were supposed to|should have been|although|altho|even though|even if|despite|in spite of|albeit|whilst|while|notwithstanding|
granted"""
CONCLUSION = """overall|over all|all in all|in conclusion|in short|in summary|to sum up|in the end|bottom line|
all things considered|long story short|at the end of the day|ultimately|in a nutshell|verdict|summary"""
EXCEPT = "except|except for|apart from|aside from|other than|besides|save for|only downside|only issue|only problem|only complaint|only con|only negative"
CONJUNCTION = "and|or|then|plus|also|and also|as well as|and then"
TOO = "too|way too|far too|much too|a bit too|a little too|bit too|overly|excessively|too much"
DIMENSION = """long|short|small|big|large|huge|tiny|heavy|light|loud|quiet|bright|dark|dim|hot|cold|warm|
slow|fast|quick|expensive|pricey|complicated|complex|simple|easy|hard|soft|sensitive|tight|loose|thick|
thin|sweet|salty|spicy|bitter|old|young|early|late|much|many|few|little|fragile|weak|strong|far|close|
narrow|wide|busy|crowded|noisy|bulky|high|low|deep|shallow|sharp|short-lived|often|frequent|frequently"""

ASPECT_TERMS = {
    "delivery": """delivery|deliveries|deliver|delivering|shipping|shipment|shipments|ship|shipped|
ships|package|packages|parcel|parcels|courier|couriers|carrier|carriers|delivery guy|delivery man|
delivery driver|delivery person|driver|ups|fedex|dhl|usps|royal mail|amazon logistics|packaging|
packing|dispatch|dispatched|postage|tracking|delivery time|delivery date|delivery dates|
delivery options|delivery tracking|pickup point|pick-up point|collection point|box|boxes|carton|
cardboard""",
    "price": """price|prices|priced|pricing|cost|costs|costing|value for money|money|discount|discounts|
delivery fees|shipping charges|shipping charge|postage costs|
coupon|coupons|deal|deals|promo|promotion|promotions|sale price|bucks|dollars|euros|pounds|
shipping fees|shipping fee|shipping cost|shipping costs|delivery charge|delivery charges|delivery fee|
top dollar|for the money""",
    "product_quality": """quality|product|products|item|items|material|materials|build|build quality|
construction|durability|finish|fabric|stitching|device|devices|unit|units|goods|merchandise|
the thing|workmanship|craftsmanship|quality of the product|product quality""",
    "staff": """staff|employee|employees|salesperson|salespeople|salesman|saleswoman|salesmen|
sales assistant|sales assistants|sales staff|sales rep|shop assistant|store associate|associate|
associates|seller|sellers|vendor|vendors|clerk|clerks|cashier|cashiers|waiter|waiters|waitress|
waitresses|server|servers|technician|technicians|tech|agent|agents|representative|representatives|
rep|reps|advisor|advisors|adviser|consultant|consultants|manager|managers|team|receptionist|
receptionists|front desk|the desk|host|hostess|bartender|personnel|crew|the guy|the lady|the man|
the woman|the girl|the young man|service|reception staff|welcome|greeting""",
    "customer_service": """customer service|customer support|customer care|support|helpdesk|help desk|
call center|call centre|hotline|tech support|technical support|phone support|live chat|after-sales|
after sales|after-sales support|support team|service desk|customer services|client services""",
    "waiting_time": """wait|waits|waited|waiting|queue|queues|queuing|queueing|line|lines|
waiting time|wait time|wait times|waiting times|hold time|waiting list|waitlist""",
    "billing": """bill|bills|billing|billed|invoice|invoices|invoiced|invoicing|charge|charges|charged|
payment|payments|pay|paying|card payment|credit card|debit card|direct debit|subscription|
subscriptions|fee|fees|cancellation fee|overcharged|double charged|statement|instalments|installments""",
    "website_app": """website|websites|web site|site|app|apps|application|online|interface|ui|login|
log in|log into|logging in|sign in|password|checkout page|check out page|online checkout|web page|
webpage|page|homepage|home page|portal|mobile app|companion app|alexa app|the app|update|updates|
search|search bar|navigation|online booking|booking system|online ordering|ordering""",
    "returns": """return|returns|returned|returning|refund|refunds|refunded|exchange|exchanged|
exchanges|send back|sent back|money back|return policy|return label|rma|replacement|replaced""",
    "store": """store|stores|shop|shops|branch|outlet|showroom|counter|aisle|aisles|parking|
fitting room|fitting rooms|premises|supermarket|the place|location|till|tills|register|registers""",
}

CONDITIONAL = {
    "long|longer|lengthy|forever|endless|interminable": {"waiting_time": -1.5, "delivery": -1.5,
                                                        "returns": -1.5, "customer_service": -1},
    "short|shorter|minimal|brief": {"waiting_time": 1.5, "delivery": 1.5},
    "high|higher|steep|inflated|hefty": {"price": -1.5, "billing": -1.5, "product_quality": 1.5},
    "low|lower|lowest|modest": {"price": 1.5, "billing": 1, "product_quality": -1.5},
    "cheap|cheaper|cheapest": {"product_quality": -2},
    "went up|gone up|increased|increase|doubled|hike|hiked|raised|rising": {"price": -1.5, "billing": -1.5},
    "gone down|went down|dropped|declined": {"price": 1, "product_quality": -1.5},
    "free|for free": {"delivery": 1.5, "returns": 1.5},
    "simple|easy": {"returns": 1.5, "website_app": 1.5},
    "crowded|packed|busy": {"store": -1, "waiting_time": -1},
    "empty": {"store": -0.5},
    "opened|open": {"delivery": -1.5},
    "sting|stings|stung|salty": {"price": -1.5, "billing": -1.5},
    "down|offline|outage|outages|not loading|won't load|wont load|doesn't load": {
        "website_app": -2, "customer_service": -1.5},
    "twice|double|two times": {"billing": -1.5},
    "huge|massive": {"waiting_time": -1.5},
    "week|weeks|month|months|days": {"delivery": -1.5, "returns": -1.5, "waiting_time": -1.5,
                                     "customer_service": -1},
    "hour|hours": {"waiting_time": -1.5, "customer_service": -1.5},
}
