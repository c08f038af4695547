"""English slots and the signals composed from them (text from normalize.english(): lower
case, straight quotes, single spaces, slang folded; rules.py cuts it into clauses first).

Same shape as lexicon_zh: (id, kind, pattern); "crisis" and "concern" stand alone, the other
kinds are components that count only together (see rules.compose).
"""

from __future__ import annotations

W = r"(?:[\w']+ ){0,3}?"  # up to three words in between

SELF = r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself)\b"
OTHER = (
    r"\b(?:he|she|they|him|her|them|his|their|he's|she's|they're|friend|brother|sister|son|daughter|"
    r"mom|mum|dad|mother|father|parent|partner|boyfriend|girlfriend|husband|wife|kid|child|student|"
    r"colleague|coworker|roommate|someone|somebody|people|character|hero|protagonist|celebrity|man|"
    r"woman|guy|girl|cousin|uncle|aunt|grandma|grandpa|teacher|romeo|juliet|we|we're|we'll|we've|us)\b"
)
# Things that "die" or get "killed" in everyday speech: a match whose subject is one of them
# is no signal ("my battery is about to die").
THINGS = (
    r"\b(?:battery|phone|laptop|car|computer|pc|plants?|flowers|fish|printer|tv|engine|server|app|"
    r"charger|headphones|keyboard|mouse|hard drive|wifi|router|game|console|torch|flashlight|bulb)\b"
)
DESIRE = (
    r"\b(?:want|wanted|wants|wish|wished|need|needs|going|plan|planning|planned|ready|about|decided|deserve|"
    r"deserved|trying|tried|try|tempted|considering|thinking about|thought about|thinking of|would rather|'d rather|"
    r"rather|will|i'll|should just|might as well|got to|have to|urge to|longing to|hoping to|hope to|feel like|"
    r"feels like)\b"
)
# dying and its euphemisms; "die" followed by a possessive is hair dye
DIE = (
    r"\b(?:die(?! (?:if|of|from|laughing|when|inside))|dying(?! (?:to|of|from|for|laughing|inside))|dye|be dead|not be alive|not exist|stop existing|not wake up|never wake up|"
    r"kill (?:my ?self|him ?self|her ?self|them ?sel(?:f|ves))|end (?:his|her|their) (?:own )?life|unalive (?:my ?self)|off my ?self|end(?:ing)? (?:my (?:own )?life|it all|my existence|things|everything)|"
    r"end(?:ing)? it(?! with| for| between| off| here)|take my (?:own )?life|commit suicide|be gone|disappear forever|"
    r"not be (?:here|around) anymore|go to sleep (?:forever|and never wake up)|sleep forever|be with (?:my )?\w+ in heaven|"
    r"leav(?:e|ing) this (?:world|earth|life)|go through with it|finish (?:my life|myself|it all)|my exit)\b"
    r"(?! (?:my|your|her|his|their|the|it|a)\b)"
)
METHOD = (
    r"\b(?:jump|jumping|leap|leaping|throw myself|step|stepping|walk|walking) (?:off|from|in front of|under|into) "
    r"(?:a |the |this |that |my )?(?:\w+ )?(?:bridge|roof|building|balcony|cliff|train|window|ledge|tower|car|bus|"
    r"overpass|traffic|river|sea|lake|tracks)\b|\b(?:hang|hanging|shoot|shooting|drown|drowning|poison|poisoning|"
    r"slit|slitting) ?(?:my ?self|my wrists?)\b|\b(?:overdose|overdosing|od|od'ing)\b|\bnoose\b|\bgun (?:to|against|in) my (?:head|mouth)\b|"
    r"\bbullet (?:through|in|into) my (?:head|brain|skull)\b|\bblow(?:ing)? my (?:brains|head) (?:out|off)\b|"
    r"\b(?:knife|blade|razor) (?:in|into|to|through|across) my (?:neck|throat|wrists?|chest|heart)\b"
)
MEANS = (
    r"pills|meds|medication|medications|tablets|painkillers|sleeping pills|paracetamol|tylenol|acetaminophen|"
    r"ibuprofen|insulin|antidepressants|lithium|oxy|oxycodone|codeine|tramadol|morphine|benzos|rope|gun|pistol|weapon|"
    r"firearm|shotgun|rifle|razor|razor blades?|blades?|knife|poison|charcoal|helium"
)
TIME = (
    r"\b(?:tonight|today|tomorrow|tmrw|tmr|tomoz|2moro|this (?:weekend|week|month|friday|saturday|sunday)|next week|by (?:friday|monday|"
    r"the weekend|the end of)|after (?:tonight|today|this (?:week|month))|before (?:my )?birthday|soon|"
    r"at (?:midnight|\d+)|(?:on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"the (?:\d+(?:st|nd|rd|th)|first|last day))\b"
)

SIGNALS: list[tuple[str, str, str]] = [
    # ---- wishes and intents: person × desire × dying
    ("wish", "crisis", rf"{DESIRE} (?:to )?{W}{DIE}"),
    (
        "wish_dead",
        "crisis",
        r"\bi wish (?:i (?:was|were) (?:dead|never born|gone)|i (?:wasn't|weren't) (?:alive|born|here|around)|"
        r"i could (?:just )?(?:die|disappear|not wake up|go to sleep and never wake up))\b|\b(?:hope|pray) i (?:don't|never) wake up\b|"
        r"\b(?:rather|better|better off) (?:be )?dead\b|\bi want death\b|"
        r"\bi should (?:be dead(?! tired| on my feet| asleep| beat)|have died|not be alive|not have survived)\b|"
        r"\b(?:waking up|wake up|still alive|still here) when (?:i|you) should (?:be dead|have died)\b|"
        r"\b(?:okay|ok|fine|at peace|be relieved) with (?:dying|being dead|death)\b|"
        r"\b(?:should have|should've|shoulda) (?:gone through with it|finished it|finished the job|done it properly|died)\b|"
        r"\b(?:hope|hoping|wish|pray|praying)(?: [\w']+){0,4} (?:i|a \w+) (?:get|gets|got) (?:hit by|in) (?:a )?"
        r"(?:car crash|crash|car accident|accident|bus|car|train|truck|lorry)\b|"
        r"\b(?:pray|praying|hope|hoping|wish)\b(?: [\w']+){0,6} (?:takes? me|would take me|to take me)(?: in my sleep| away)?\b|"
        r"\bif i (?:was|were) dead\b[^.?!]{0,30}\b(?:at least|finally|then i'd)\b|"
        r"\b(?:sleep|asleep)\b(?: [\w'.]+){0,4}? (?:for good|permanently|and not wake up)\b|\bhopefully for good\b|"
        r"\bi (?:shouldn't|should not) have survived\b|\bhope (?:the|my) (?:plane|bus|train|car|flight) crashes\b|"
        r"\b(?:hoping|hope|wish|want) (?:that )?my (?:body|heart) (?:gives up|gives out|just stops|stops|would stop)\b|"
        r"\bwant my heart to (?:just )?stop\b|\b(?:death|dying|being dead) (?:seems|feels|sounds|looks) (?:so )?"
        r"(?:peaceful|nice|easier|better|like a relief|like relief)\b|"
        r"\b(?:passed|died|killed (?:himself|herself|themselves)|lost (?:him|her))\b[^?!]{0,80}?\b(?:join|follow|be with) "
        r"(?:him|her|them)\b(?! (?:for|at|in|on|to) )|"
        r"\bvoices? (?:are |is |keep )?(?:telling|tell|told|say|saying) me (?:to|i should) (?:die|kill myself|end it|jump|hurt myself)\b",
    ),
    (
        # "I don't want to die, but it's my only option": ambivalence is not safety
        "ambivalent",
        "crisis",
        r"\b(?:don't|do not) (?:really |exactly )?want to die\b[^?!]{0,80}?\b(?:don't know (?:any )?(?:another|other) way|"
        r"no other way)\b|"
        r"\b(?:don't|do not) (?:really )?want to (?:die|kill myself|end it)\b,? (?:but|yet|though)\b[^.?!]{0,60}?"
        r"\b(?:only (?:options?|way|choice|way out)|no (?:other )?(?:choice|options?|way out)|"
        r"(?:can't|cannot) (?:go on|keep going|take (?:it|this|much more)|do this (?:anymore|any more))|"
        r"want (?:it|this|the pain|everything) to (?:stop|end)|want out|finally be free)\b",
    ),
    (
        "suicidal",
        "crisis",
        r"\bsu[ia]?[ci]{1,3}d[ie]?a?l\b|\b(?:thinking|thought|thoughts|think) (?:about |of )?(?:suicide|killing myself|"
        r"ending (?:my life|it all|it)|taking my (?:own )?life|dying)\b|\bmy suicide\b|\bkms\b|\bctb\b|\bsewer ?slide\b|"
        r"\b(?:kill|killing|killed|unalive|unaliving) ?my ?self\b|\bsuicide (?:is|seems|feels) (?:like )?(?:the|my) (?:only|best)\b|"
        r"\b(?:death|dying|dead|ending it|killing myself) (?:is|seems|feels|looks) (?:like )?(?:the|my) (?:only|best|last) "
        r"(?:option|way|answer|choice|way out|solution)\b|\bonly (?:way out|option|answer|choice) (?:left )?(?:is|would be) "
        r"(?:death|dying|to die|suicide|killing myself|ending it)\b|\bno way out (?:except|but|other than) "
        r"(?:dying|death|to die|suicide|killing myself|ending it)\b|\b(?:don't|can't|do not|cannot) see (?:a |any )?(?:other )?way out (?:except|but|other than) "
        r"(?:dying|death|to die|suicide|killing myself|ending it)\b",
    ),
    (
        "not_live",
        "crisis",
        r"\bdon't want to (?:live|be alive|exist|be here|wake up|go on)(?: anymore| any more)?\b"
        r"(?! (?:in|with|at|near|there|like|on|by|alone|together|abroad|somewhere|without))|"
        r"\b(?:no|not any|don't see (?:a|any)|can't see (?:a|any)|there's no) (?:reason|point) (?:for me )?(?:to|in|for) "
        r"(?:keep |keeping |go |going )?(?:living|live|being alive|stay alive|staying alive|be alive|exist|existing|go on)\b|"
        r"\bnothing (?:left )?to live for\b|\btired of (?:living|being alive|existing)\b(?! in| with| at| like| on| here| there)|"
        r"\bdone with (?:life|living|being alive)\b|\b(?:picture|picturing|imagine|imagining|planning) my (?:own )?funeral\b|\blife (?:isn't|is not|'s not|ain't) worth (?:living|it)\b|"
        r"\bnot worth living\b|\bhate (?:being alive|existing|my existence)\b|\bdone living\b|"
        r"\b(?:a|any|good|real) (?:reason|excuse) to die\b|\bwhy (?:not|shouldn't i) (?:just )?(?:die|kill myself|end it)\b|"
        r"\bwhy (?:should|would|do) i (?:even )?(?:keep living|stay alive|go on living|bother living|be alive)\b|"
        r"\b(?:make|making) (?:it|this|everything|the pain) (?:all )?stop (?:for good|forever|permanently)\b|"
        r"\b(?:want|wish|need)(?: [\w']+){0,4} (?:to be over|to end|to stop|gone|to disappear)(?: [\w']+)?[,.]? "
        r"(?:permanently|for good|forever)\b",
    ),
    (
        "burden",
        "crisis",
        r"\bbetter (?:off )?without me\b|\b(?:better|happier|happy|easier|fine|relieved|free|lighter) (?:off )?(?:if|when|once) i(?:'m| am| was| were)? "
        r"(?:just )?(?:gone|dead|not here|not around|died|disappeared|wasn't (?:here|around|alive)|weren't (?:here|around|alive))\b|"
        r"\b(?:nobody|no one|no-one) would (?:even )?(?:notice|care|miss me)\b[^,.]{0,12}\b(?:if|when) i(?:'m| was| were)? "
        r"(?:gone|dead|died|disappeared)\b|\bafter i(?:'m| am)? (?:gone|dead|die)\b|"
        r"\bdoing (?:everyone|everybody|them|the world|my (?:\w+ )?\w+) a fav(?:ou)?r by (?:not being (?:here|around|alive)|"
        r"dying|disappearing|being gone|ending it|going)\b|\bif i (?:was|were|am|'m) (?:gone|dead|not here|not around)\b[^.?!]{0,30}\b(?:happy|happier|better|fine|easier|relieved)\b|\b(?:world|everyone|everybody) (?:would be|is|will be) "
        r"(?:better|lighter|happier) without me\b",
    ),
    (
        "survival",
        "crisis",
        r"\b(?:don't|can't|do not) see myself (?:making it|alive|living|being (?:here|around|alive)|surviving)\b|"
        r"\bdon't think i'll (?:be alive|make it to|be around|be here|survive)\b|\bwon't (?:be alive|make it to|survive)\b|"
        r"\bi(?:'ll| will) be (?:dead|gone) (?:by|before|soon|next)\b|"
        r"\b(?:not going to|won't) be (?:here|around|alive) (?:much longer|for long|anymore|tomorrow|next|by)\b|"
        r"\bif i'm not (?:here|around|alive) (?:tomorrow|anymore|by)\b|\bif i (?:just )?(?:wasn't|weren't) (?:here|around|alive) (?:tomorrow|anymore|next)\b|"
        r"\blike i'll (?:still )?be (?:there|here|around|alive)\b|\bnot long now\W*$|\bbecause i won't be (?:here|around|alive)\b|"
        r"\b(?:not going to|won't|don't think i'll|never going to) (?:see|make it to|reach|live to see) (?:\d+|eighteen|twenty|thirty|"
        r"my (?:\w+ )?birthday|christmas|next year|summer|the new year)\b|\bit (?:all )?ends (?:tonight|today|tomorrow|this week|now)\b|"
        r"\b(?:not going to|won't|don't think i'll|don't think i will|might not) (?:make it|survive|last) (?:through|past|until|till|to) "
        r"(?:the night|tonight|tomorrow|the morning|morning|the weekend)\b"
        r"(?! (?:shift|class|lecture|meeting|party|without|with|if|unless|at|in|on)\b)|"
        r"\b(?:won't|not going to|ain't going to) be a (?:problem|burden)(?: (?:for|to) \w+)? (?:much longer|for much longer|for long|anymore|soon)\b",
    ),
    (
        "self_harm",
        "crisis",
        r"\b(?:slit|slitting|slash|slashing|cut|cutting|cuts|burn|burned|burnt|burning|hurt|hurting|harm|harming|harmed|"
        r"hit|hitting|scratch|scratching|punish|punishing|starve|starving) (?:my ?self|my (?:arms?|wrists?|legs?|thighs?|skin|"
        r"body|stomach|hands?))\b(?! (?:a|an|some|another|free|loose|short|off from|on the|while|by accident|accidentally)\b)|"
        r"\bself[- ]?harm\w*|\b(?:been|started|start|keep|kept|back to|relapsed and|stop) cutting\b"
        r"(?! (?:back|down|costs?|carbs|class|classes|corners|my hair|hair|onions|the))|\bcutting again\b|\bsh urges\b|"
        r"\bwant to (?:hurt|cut|harm|burn) myself\b|\b(?:clean from|relapsed?(?: on| into| with)?) (?:sh|self[- ]?harm|cutting)\b|"
        r"\bscars?\b[^.]{0,40}\b(?:want|going|need) to add (?:more|another)\b|"
        r"\b(?:belt|rope|cord|scarf|noose|charger cable) (?:around|round) my neck\b|"
        r"\b(?:scratched|carved|cut|etched)\b[^.]{0,30}\b(?:into|in|on) my (?:arm|wrist|leg|thigh|skin|stomach|hand)\b|"
        r"\b(?:banging|bang|banged|hitting|smashing) my head (?:on|against|into)\b(?![^.?!]{0,30}\b(?:problem|maths?|code|homework|essay|question)\b)|"
        r"\bused to (?:cut|self[- ]?harm|hurt myself)\b(?! (?:my|the|our|his|her) (?:own )?(?:hair|grass|nails|lawn|hedge))"
        r"[^.?!]{0,40}\b(?:again|started|back)\b",
    ),
    (
        "attempt",
        "crisis",
        r"\b(?:attempted|tried to commit) suicide\b|\b(?:my|a|the|last|previous|first|second) (?:suicide )?attempt\b|"
        r"\btried (?:to )?(?:kill(?:ing)? myself|end(?:ing)? (?:my life|it)|overdos(?:e|ing)|od|hang(?:ing)? myself|"
        r"take my (?:own )?life|jump(?:ing)? off)\b|\bsurvived (?:an? )?(?:overdose|suicide attempt)\b|"
        r"\b(?:wasn't|was not|it wasn't) an accident\b",
    ),
    (
        "give_all",
        "crisis",
        r"\b(?:gave|giving|given) (?:away )?(?:all|most) (?:of )?my (?:stuff|things|belongings|possessions)\b|"
        r"\bgiving (?:all )?my (?:stuff|things|belongings|possessions) away\b",
    ),
    (
        "farewell",
        "crisis",
        r"\b(?:this is|this'll be|this will be|here's) (?:my )?(?:last|final) (?:message|post|goodbye|text|words)\b|"
        r"\b(?:said|saying) (?:all )?my goodbyes\b|\bby the time (?:you|anyone|someone) (?:read|reads|see|sees|find|finds) this\b|"
        r"\b(?:suicide|goodbye) (?:note|letter)s?\b|\bgoodbye (?:forever|world)\b(?! (?:organic|chem\w*|maths?|exams?|class|school|homework|uni|this job))|"
        r"\bgoodbye (?:everyone|everybody|all)\b(?!.*\b(?:see (?:you|ya)|talk (?:soon|later|tomorrow)|for now|until|till)\b)|\bthis is goodbye\b|"
        r"\b(?:wrote|writing|left|leave|leaving) (?:a |my )?(?:notes?|letters?) (?:\w+ ){0,6}(?:for when|for after|when i'm gone|"
        r"after i'm gone|once i'm gone|when it's done|to find)\b|\b(?:final|last) goodbyes?\b|"
        r"\b(?:record|recording|recorded|film|filming|filmed|write|writing|wrote|written|leave|leaving|left|made|making) "
        r"(?:\w+ ){0,2}goodbye (?:videos?|messages?|letters?|notes?|texts?|emails?|voice ?notes?)\b|"
        r"\btold (?:her|him|them|everyone|my (?:\w+ )?\w+) (?:that )?i lov(?:e|ed) (?:her|him|them|you|everyone) "
        r"for the (?:very )?last time\b(?! (?:before|until|till|this|that|in)\b)|"
        r"\bexplain(?:ing)? why i(?:'m going to| will|'ll| am going to) (?:do it|end it|go|leave)\b|\bmy funeral (?:playlist|songs?|music|plans?)\b|"
        r"\bhow long (?:it takes|does it take|until|before) (?:for )?(?:someone|anyone|people) (?:to )?finds? (?:you|me|a body)\b|"
        r"\b(?:might|could|may) be the last time\b|\bwhere (?:they|she|he|someone|you)(?:'ll|ll| will) find (?:them|it|me)\b|"
        r"\b(?:this is|this'll be|this will be) (?:probably |likely |maybe )?(?:my )?(?:the )?last (?:time i'll|time i will) "
        r"(?:message|talk to|text|write to) you\b|\bplanning my (?:exit|way out|death|suicide|ending)\b|"
        r"\bmy last (?:night|day|weekend|week)\b[^?!]{0,40}\bnot because\b|"
        r"\b(?:planning|plan|decide|deciding|picking|choosing|thinking about)(?: in my head)? which (?:bridge|building|roof|train|cliff|pills|method|way)\b|"
        r"\b(?:make|made|making) it (?:look|seem) like an accident\b|\b(?:it'd|it would|it will|it'll|would it|will it) (?:look|seem) like an accident\b",
    ),
    (
        "means",
        "crisis",
        rf"\b(?:saving|saved|stockpiling|stockpiled|collecting|hoarding|hoarded|stashing|stashed) (?:up )?(?:\w+ ){{0,2}}(?:{MEANS})\b|"
        rf"\bhow (?:many|much) (?:[\w']+ ){{0,3}}(?:pills|tablets|meds|medication|{MEANS}|of (?:my|these|the) \w+)(?: [\w']+){{0,3}} "
        r"(?:would (?:it )?take|it would take|it'd take|it takes|does it take|it'll take|to die|to overdose|to od|is (?:lethal|fatal|deadly)|would kill|"
        r"(?:would be|is|are|'s) too (?:many|much)|would be enough|is enough)\b|"
        rf"\bif i (?:took|take|swallowed|swallow|had) (?:all |the whole |a whole |like |about )?(?:\w+ ){{0,3}}(?:{MEANS}|bottle|packet|box)\b"
        r"[^.?!]{0,30}\b(?:would|will|could|would i|will i|could i) (?:i )?(?:die|not wake up|be dead)\b|"
        rf"\b(?:bought|got|buying|have|picked up) (?:\w+ ){{0,3}}(?:{MEANS})\b[^?!]{{0,30}}?\bnot for (?:a |the |my )?"
        r"(?:bbq|barbecue|grill|cooking|camping|garden|gardening|climbing|work|sleep|headaches?|pain)\b|"
        rf"\b(?:enough )?(?:{MEANS}) (?:saved|stockpiled|stashed|hoarded|put aside|set aside)(?: up)?\b|"
        r"\b(?:take|taking|swallow|swallowing) (?:all|the whole|a whole|every one) (?:of )?(?:my |the |these |those )?(?:\w+ )?"
        r"(?:pills|meds|tablets|bottle)\b|\b(?:took|swallowed|taken) (?:a bunch of|a lot of|all (?:of )?(?:my|the)|too many|"
        r"a handful of|lots of|loads of|a whole bottle of|the whole bottle of) (?:\w+ )?(?:pills|meds|tablets|painkillers)\b|"
        rf"\b(?:took|taken|swallowed|take|swallow) (?:like |about |around )?(?:[1-9]\d+|twenty|thirty|forty|fifty|a hundred) (?:of )?(?:my |the )?(?:\w+ )?(?:{MEANS})\b|"
        rf"\b(?:the |my |enough )?(?:{MEANS})(?: are| is)? (?:ready|lined up|counted out|laid out)\b|\blined up (?:\w+ ){{0,3}}(?:{MEANS})\b|"
        r"\b(?:tied|tying) (?:a |the )?(?:rope|noose)\b|\b(?:bought|got) a gun (?:to|so i can)\b|\bhow to (?:die|kill myself|end (?:my life|it all)|commit suicide|overdose)\b|"
        r"\b(?:painless|quick|easy|fastest|least painful) (?:way|ways|method|methods) to (?:die|go|kill myself|end it)\b|"
        r"\bhow i'm going to do it\b|\b(?:does|would|will|do you think) it hurts? (?:to|when you) (?:drown|hang|jump|bleed out|overdose|od)\b|"
        r"\b(?:looking up|looked up|googling|googled|checking|checked|searching|researching) how (?:high|tall|far down|deep) "
        r"(?:the |my |a |this |that )?(?:[\w-]+ ){0,2}(?:bridge|roof|building|car park|tower|cliff|balcony|floor|window|drop|fall)\b|"
        r"\b(?:googling|googled|looking up|looked up|searching|researching|reading about) (?:\w+ )?(?:lethal|fatal|deadly) doses?\b|"
        r"\b(?:quickest|fastest|painless|easiest|least painful)(?: painless)? way\W*$|\blet go of the (?:railing|ledge|edge|rail)\b|"
        r"\b(?:sat|sitting|stood|standing|lay|lying|laid) (?:down )?on the (?:train |railway )?tracks\b|"
        r"\b(?:researching|researched|looking up|looked up|googling|googled|searching|searched|read up on)(?: \w+){0,2} "
        r"(?:ways|methods|how) to (?:do it|die|end it|kill myself)\b|\bgarage\b[^.]{0,40}\bengine (?:running|on)\b",
    ),
    # a method named for oneself is explicit on its own; with a wish or a time it says more
    ("method_act", "crisis", METHOD),
    ("method_intent", "crisis", rf"{DESIRE} (?:to )?{W}(?:{METHOD})"),
    (
        "jump_now",
        "crisis",
        r"^ (?:i'm|i am|i'll|i will) (?:going to|about to|ready to) jump(?: now| tonight| today)?\W*$",
    ),
    (
        "plan",
        "crisis",
        r"\bi (?:have|'ve got|made|got) (?:a|my) plan\b.{0,30}\b(?:i know|decided|picked) (?:when|how|where)\W*$|"
        r"\bi know (?:when|how|where) (?:i'm going to|i am going to|i'll|i will|to) (?:do it|end it|die)\b",
    ),
    (
        "method_time",
        "crisis",
        rf"(?:{METHOD})(?: [\w']+){{0,4}} {TIME}|{TIME}(?: [\w']+){{0,6}} (?:{METHOD})",
    ),
    (
        "at_edge",
        "crisis",
        r"\b(?:i'm|i am) (?:\w+ )?(?:on|at|standing on|sitting on) (?:the )?(?:edge of )?(?:the|a|this) (?:bridge|roof|rooftop|ledge|"
        r"edge|cliff|tracks|railway)\b(?= (?:right now|now|tonight|again)|\W*$)|\b(?:standing|sitting) on the (?:edge|ledge)\b|"
        r"\b(?:standing|sitting|stood|sat|i'm|i am|up) (?:\w+ )?(?:on|at) (?:the |a |this )?(?:edge of (?:the |a )?)?"
        r"(?:bridge|roof|rooftop|ledge|cliff|tracks|railway line|top floor)(?: of (?:the |a |my )?(?:[\w-]+ ){1,3}?)? ?(?:right now|now)\b",
    ),
    # ---- stop 18: kinds the contrastive tuning groups showed missing
    (
        "od_act",
        "crisis",
        r"\b(?:swallowed|drank|downed|necked|took|taken|had) (?:some |the |a |half (?:a |the )?|a whole |the whole )?(?:bottle of |cup of |glass of )?"
        r"(?:bleach|antifreeze|weedkiller|rat poison|poison)\b|"
        r"\b(?:took|taken|swallowed|downed|had) (?:the (?:rest|whole|lot) of (?:the|my) (?:box|bottle|pack|packet|pills|tablets|meds)|"
        r"(?:all|every one) of (?:my|the) (?:pills|tablets|meds|sleeping pills))\b|"
        r"\b(?:vodka|whiskey|whisky|wine|alcohol|booze|drinks?|beers?)\b[^.?!]{0,20}\bwith (?:my |the |all )?(?:meds|pills|tablets|sleeping pills)\b|"
        r"\bbottom of (?:this|the|my) (?:pill|pills|tablet) bottle\b",
    ),
    (
        "means",
        "crisis",
        r"\b(?:knife|blade|razor)\b(?: [\w']+){0,2} (?:against|on|to|pressed (?:to|against|into)) my (?:arm|wrist|skin|leg|thigh|throat)\b|"
        r"\b(?:blade|razor|knife)(?:'s| is) out\b|\bstaring at my (?:wrists?|veins)\b|"
        r"\bcounted (?:them|the pills|my pills|the tablets|them all)\b[^?!]{0,30}\benough\b|"
        # looked up how long dying takes (stop 19)
        r"\b(?:looked up|looking up|googled|googling|searched|read up on) how (?:long|fast|quickly)(?: [\w']+){0,3} "
        r"(?:to (?:drown|bleed out|suffocate|die|hang)|drowning|bleeding out|suffocating|dying)\b|"
        r"\bstash of (?:pills|tablets|meds|blades|razors)\b[^?!]{0,40}\b(?:i'll|i will|gonna) (?:just )?(?:get|buy) more\b|"
        r"\b(?:got|have|i've got|still have|still got) (?:more|some|others|extra|spares?|another) (?:\w+ )?hidden\b|"
        r"\bdug out (?:the |my )?(?:old )?(?:razors?|blades?|razor blades)\b|"
        r"\b(?:keep|carry|kept|keeping) (?:a |my )?(?:razor|razor blade|blade|knife|pills)\b[^.?!]{0,30}\bjust in case\b|"
        r"\bstopped taking my (?:meds|pills|tablets)\b[^?!]{0,30}\b(?:keeping|saving|hoarding|stockpiling) them\b|"
        r"\b(?:keeping|saving|hoarding) them (?:instead|up)\b[^?!]{0,20}\bbuilding up\b|"
        r"\bhose\b(?: [\w']+){0,2} (?:bought|ready|sorted|fitted)\b|\bexhaust (?:pipe )?(?:thing|hose)\b|"
        r"\bfound a (?:good|strong|sturdy|high) (?:tree|branch|beam)\b(?![^.?!]{0,30}\b(?:hammock|swing|treehouse|camp|tent|shade|picnic|photos?)\b)|\bwon't put them back\b|\bpractis(?:ing|ed|e) the knot\b|\bwhich beam\b|"
        r"\b(?:know|found|knows) where\b[^.?!]{0,30}\b(?:bullets|ammo|ammunition)\b|"
        r"\b(?:know|knows|found|looked up|worked out) the dose that (?:would|will|could) (?:do it|kill|be enough)\b",
    ),
    (
        "at_edge",
        "crisis",
        r"\b(?:going to|gonna|about to|want to|wanna|i'll|i will|ready to|need to) jump\b(?=\s*(?:[.!?,;]|$)| (?:so bad|tonight|now|today|off|from|down)\b)|"
        r"\bwant to fly (?:down|off)\b|\b(?:climbed|climbing|got) (?:over )?the (?:fence|railing|rail|barrier) (?:at|on) (?:the )?(?:dam|bridge|cliff|roof|overpass|quarry|car park)\b(?![^.?!]{0,30}\b(?:selfie|photo|pic|view)\b)|"
        r"\bi'm (?:at|on|by|near) the (?:tracks|railway line|train tracks|edge|cliffs?|quarry|dam)\b|"
        r"\b(?:standing|stood|sitting|sat) (?:at|on|by) the (?:platform edge|edge of the platform|ledge)\b|"
        r"\b(?:came|come|got) (?:so )?close to (?:stepping|walking|jumping|driving|swerving) (?:out )?(?:in front of|into|off)\b|\bclose i (?:came|got) to (?:stepping|walking|jumping|driving|swerving)\b|"
        r"\bthink(?:ing)? about (?:just )?(?:driving|swerving|crashing|steering) (?:into|off)\b|"
        r"\bdon't want to come (?:back )?up\b|\b(?:letting|let) (?:it|the (?:river|sea|water|waves|cold|current)) take me\b|"
        r"\b(?:peace|rest|sleep)\b[^.?!]{0,20}\bbottom of the (?:lake|river|sea|ocean|quarry)\b",
    ),
    (
        "self_harm",
        "crisis",
        r"\b(?:i'm planning|i plan|i'm going|i want|i need|planning) to cut(?= (?:tonight|again|today|deeper|myself)\b|\s*(?:[.,!?]|$))|\bcut deeper\b|"
        r"\bcarv(?:e|ed|ing)\b[^.?!]{0,20}\binto my (?:skin|arm|thigh|leg|wrist|stomach)\b|"
        r"\bopen(?:ing)? (?:them|the scars?|the cuts?|my scars|the wounds?) (?:back )?up\b",
    ),
    (
        "wish_dead",
        "crisis",
        r"\bhope (?:the|my) (?:plane|flight|bus|train) (?:goes down|crashes|falls)\b|\bsave me the trouble\b|"
        r"\bsticking around (?:past|after|beyond|much longer|for)\b|\bnot sticking around\b|"
        r"\bthe thought of not (?:existing|being (?:here|alive|around))\b|\bnot (?:scared|afraid) of (?:dying|death)\b|"
        r"\bif (?:the )?[\w ]{1,20} (?:doesn't|don't|won't) (?:get|kill) me,? i will\b|"
        r"\bwhen i'm in the ground\b|\bwish (?:they|you|he|she|the doctors?) (?:hadn't|had not|didn't) (?:saved|save|found|revived|resuscitated)\b|\bsaved me\b[^?!]{0,40}\bwish (?:they|you|he|she) hadn't\b|"
        r"\bi'm ending (?:things|it all)\b(?! with| between| off)|"
        r"\blife insurance\b[^?!]{0,60}\b(?:only way out|be fine|better off|clear (?:my|the) debts?)\b",
    ),
    (
        "farewell",
        "crisis",
        r"\bfor when they find me\b|\b(?:someone|people|somebody) who(?:'ll| will) (?:actually )?be (?:around|here)\b|"
        r"\blook after (?:\w+ )?(?:for me )?'after'|\bwon't need (?:it|them|this|any of (?:it|this))\b[^.?!]{0,12}\b(?:by|after) (?:next|this) (?:month|week)\b|"
        r"\bthis is my last (?:one|night|shift|day)\b[^?!]{0,6}\bever\b",
    ),
    # ---- components
    (
        "od_taken",
        "component",
        r"\b(?:took|swallowed|taken|finished) (?:all|the whole|every)\b(?: \w+){0,3} (?:pills|meds|tablets|bottle)\b",
    ),
    (
        "symptom",
        "component",
        r"\b(?:dizzy|throwing up|can't breathe|vomiting|passing out|everything is spinning|so sleepy now)\b",
    ),
    ("thanks", "component", r"\b(?:thank you|thanks) for (?:everything|trying)\b"),
    # telling someone not to tell: secrecy around a means is a warning sign (text is
    # normalised first: "dont" and "wouldnt" arrive as "don't" and "wouldn't")
    ("secret", "component", r"\b(?:don't|do not) tell (?:anyone|anybody|my \w+|them)\b|\bpromise (?:you )?(?:won't|not to) tell\b"),
    # the calm after a decision
    ("calm", "component", r"\b(?:weirdly|strangely|oddly|finally|so|really|actually|feel|feeling|i'm|i feel) (?:so |really |weirdly |strangely )?(?:calm|calmer|peaceful|at peace|relieved)\b"),
    ("last_time", "component", r"\b(?:for the (?:very )?last time|one last time)\b|\blast (?:walk|dinner|hug|night|swim|drive) together\b"),
    # having a way out at hand as a comfort
    ("comfort", "component", r"\b(?:knowing|know) (?:it's|its|they're|theyre|the option's|the option is) (?:there|always there)\b|\bthe option(?:'s| is) (?:there|always there)\b"),
    (
        "traces",
        "component",
        r"\b(?:deleted|deleting|wiped|closed|deactivated) (?:all )?(?:my )?(?:instagram|insta|ig|twitter|tiktok|facebook|snapchat|snap|accounts?|socials|social media|profiles?)\b",
    ),
    ("courage", "component", r"\bstop being (?:a )?(?:coward|scared)\b|\b(?:find|work up|get|have) (?:the )?(?:courage|nerve|guts) to\b|\btoo (?:much of a )?coward to\b"),
    ("evade", "component", r"\bso (?:they|nobody|no one|the pharmacist) (?:wouldn't|won't|wont|would|will) (?:ask|notice|suspect)\b|\btold (?:my |the )?(?:therapist|doctor|gp|counsel+or|psych\w*|nurse|mum|mom|dad) i'm (?:fine|ok|okay|good)\b|\b(?:different|several|multiple) (?:shops|pharmacies|chemists|stores)\b"),
    ("chance", "component", r"\b(?:this is|it's|its|that's|thats) (?:my|the) (?:chance|window|opportunity)\b|\b(?:that's|thats|that is) (?:kind of |sort of )?the plan\b"),
    ("stupid", "component", r"\b(?:going to|might|about to|will|gonna) do something (?:stupid|drastic|permanent)\b"),
    ("dont_stop", "component", r"\b(?:don't|do not) (?:try to )?(?:stop|talk me out of) (?:me|it)\b"),
    (
        "love_said",
        "component",
        r"\b(?:told|tell|telling) (?:her|him|them|you|everyone|everybody|my (?:\w+ )?\w+) (?:that )?i lov(?:e|ed) (?:her|him|them|you|everyone)\b|"
        r"\b(?:none of (?:this|it) is|it's not|it isn't|it wasn't) (?:your|her|his|their) fault\b",
    ),
    # putting one's affairs in order
    (
        "tidy",
        "component",
        r"\b(?:affairs|things|everything) in order\b|\b(?:cleaned|tidied|sorted) (?:out )?(?:my|the) (?:room|flat|desk|stuff|things)\b|"
        r"\bwrote (?:to|letters to|messages to) (?:everyone|everybody|all the people) i (?:love|care about)\b|\bmy will\b|"
        r"\bcancel+ed (?:all )?(?:my )?(?:therapy|subscriptions?|appointments?|phone contract|gym)\b|\btying up (?:the )?(?:loose )?ends\b|"
        r"\bpaid off (?:my )?(?:debts?|credit cards?|loans?)\b|\bupdated (?:my )?beneficiar(?:y|ies)\b|\bpasswords? for (?:my )?\w+\b",
    ),
    (
        "chosen",
        "component",
        r"\b(?:picked|chosen|chose|found|scouted|checked out) (?:the|a|my) (?:spot|place|location|bridge|building|tree|date|day)\b|"
        r"\b(?:got|have|i've got) a (?:date|day) (?:picked|chosen|set)\b",
    ),
    (
        "alone_window",
        "component",
        r"\b(?:my )?(?:parents|family|mum|mom|dad|wife|husband|partner|roommate|flatmate|everyone)(?: are| is|'s|'re) "
        r"(?:away|out|gone)\b|"
        r"\b(?:wait|waiting) (?:till|until|for) (?:everyone|my (?:\w+ )?(?:parents|family|mum|mom|dad|wife|husband|partner|roommate|flatmate)s?)"
        r"(?: (?:is|are|goes|go|leaves|leave|'s|'re|to go))? (?:away|out|asleep|on holiday|on vacation|to bed|to sleep|at work)\b",
    ),
    # saying goodbye as an act ("I'm saying goodbye to you"), not a chat's "bye, see you"
    (
        "goodbye",
        "component",
        r"\b(?:i'm|i am|i wanted to|i want to|i came to|just wanted to|here to|i need to|i have to) (?:just )?"
        r"(?:saying|say) (?:my )?goodbyes?\b(?! to (?:my )?(?:colleagues|coworkers|team|class|students|flat|house|old))"
        r"(?!.*\b(?:see (?:you|ya)|talk (?:soon|later|tomorrow)|for now|until|till|next (?:time|week))\b)|"
        r"\bgoodbye,? i guess\b|\bgood ?night,? and goodbye\b|\bremember me\b",
    ),
    (
        "apology",
        "component",
        r"\bsorry for everything\b|\b(?:a )?note saying sorry\b|\bplease forgive me\b|\bi love you all\b|\bdon't be sad\b|\bapologi[sz]e for everything\b",
    ),
    (
        "letter",
        "component",
        r"\b(?:wrote|writing|left) (?:a |some )?(?:letters?|notes?) (?:to|for)\b|\bwill, letters\b",
    ),
    (
        "resolve",
        "component",
        r"\b(?:made up my mind|my mind is made up|i've decided|decided|made peace with|i have a plan|i've got a plan|my plan is|"
        r"i made a plan|i know how|finally going to do it|going to do it|tonight's the night|tonight is the night|it's time)\b",
    ),
    ("time", "component", TIME),
    (
        "place",
        "component",
        r"\b(?:bridge|roof|rooftop|ledge|cliffs?|tracks|railway(?: line)?|river|overpass|woods|forest|trains?|bus(?:es)?|traffic|railing|quarry|dam)\b",
    ),
    (
        "no_return",
        "component",
        r"\b(?:won'?t be (?:coming|going) back|not coming back|never coming back|one way trip|leaving for good)\b",
    ),
    ("method", "component", METHOD),
    (
        "means_acquired",
        "component",
        rf"\b(?:bought|got|buy|buying|made|making|have|got hold of|stocked up on|stocking up on) (?:a |the |some |enough )?(?:{MEANS})\b"
        r"(?! (?:bridge|ladder|course|swing|toy|lego|set|workout|for (?:the|my) (?:boat|tent|garden|dog|climbing)))",
    ),
    (
        "means_access",
        "component",
        rf"\b(?:found|know|found out|figured out) where (?:\w+ ){{0,3}}(?:keeps?|hides?|stores?|puts?) (?:the |his |her |their |my )?(?:{MEANS})\b|"
        rf"\b(?:staring|looking) at (?:the |a |my )?(?:\w+ ){{0,2}}(?:{MEANS})\b|\b(?:have|got|bought) (?:a |some |the )?(?:{MEANS})\b"
        r"(?= (?:here|ready|with me|in my (?:hand|room|bag|pocket))\b)|"
        rf"\b(?:the |my )?(?:{MEANS}) (?:is|are) (?:in|under|on) (?:my|the) \w+|\b(?:{MEANS}) (?:in|on) my (?:lap|hands?|mouth)\b|"
        rf"\b(?:{MEANS}) (?:under|beside|next to) my (?:pillow|bed|mattress)\b|\b(?:got|get|getting|have|took) (?:the |my )?(?:{MEANS}) out\b|"
        rf"\b(?:there's|theres|there is|i keep|keeping|i'm keeping|kept|i've got|i have|got) (?:a |the |my |some )?(?:{MEANS})\b(?: [\w']+){{0,3}} (?:in|under|behind|inside) "
        r"(?:my|the) (?:\w+ )?(?:wardrobe|closet|drawer|room|car|boot|trunk|bag|bed|desk|garage|pocket|case|wallet)\b",
    ),
    (
        "give",
        "component",
        r"\b(?:giving|gave|give|given) (?:away )?(?:all )?(?:of )?my\b|\b(?:giving|gave|given) (?:\w+ ){0,2}away\b|"
        r"\b(?:take|rehome|look after|adopt) my (?:cat|dog|pet|kids?|plants?|parrot|bird|rabbit|hamster)\b|\bleaving my \w+ to\b|\bmy (?:passwords?|password list|will)\b|"
        r"\brehomed my\b|\bfound (?:someone|a home|a family) (?:to take|for) my\b|\bbank (?:stuff|details|cards?|pin)\b|"
        r"\b(?:drop|leave|give) (?:her|him|them|it) (?:at|with|to) [\w' ]{1,20} for good\b",
    ),
    (
        "final",
        "component",
        r"\bwon't (?:need|be needing|be able to (?:look after|take care of|use))\b|\bwhere i'm going\b|\bwon't be (?:here|around)\b|"
        r"\bafter (?:tonight|this month|this week|i'm gone)\b|\bno (?:longer|more) need\b|\bkeep (?:it|them) forever\b|"
        r"\b(?:logging|log|signing|sign) off for good\b|\bquitting everything\b|"
        r"\b(?:tidying|tying|sorting|wrapping) (?:things |everything |it all )?up before\b|\bleaving for good\b|\blast day\b|"
        r"\bdeleting this next\b|\bdon't (?:worry|ask) (?:about )?why\b|\bbefore i go\W*$|\blast thing to (?:sort|do|finish) before i go\b|"
        r"\b(?:see|find|hear from) me (?:online |around )?after\W*$|\bit's over for me\b|\btying up loose ends\W*$",
    ),
    (
        "euphemism",
        "component",
        r"\bwant to disappear\b|\bjust want (?:it|this|everything) (?:all )?to (?:be over|end|stop)\b|\bwant it all to (?:be over|end|stop)\b|"
        r"\b(?:pain|suffering|it all|everything) will (?:be over|end|stop) soon\b|\bready to go(?: now)?\W*$|\bi'm done\W*$|\bnothing left for me\b|"
        r"\bhave the place to myself\b|\bno one will (?:stop|find) me\b|\bjust want (?:out|to get out)\W*$|"
        r"\b(?:it'll|it will|it's all going to|it's going to|it is all going to) (?:all )?be over soon\b|\bnot sure what i'm waiting for\b|"
        r"\bdisappear\b[^.?!]{0,30}\b(?:the permanent kind|permanently|for good|forever)\b|\bthought about how\W*$|"
        r"\b(?:just )?let me go\W*$|\bnot doing another day\b|\bif i disappear\b|\bhow easy it would be\b|"
        r"\bwant out of (?:this (?:life|world)|life|everything|existence)\b|\bcounting down the days\b(?! (?:to|till|until))",
    ),
    # ---- someone else's death in the news, a story or a dream: the words are not the writer's
    # (the classifier may not make a crisis of them; rules.RuleResult.dismissed)
    (
        "reported",
        "dismissed",
        r"\b(?:news|article|movie|film|book|novel|show|series|documentary|podcast|read|heard|saw)\b[^.]{0,40}\b(?:died|"
        r"killed (?:himself|herself|themselves)|suicide|took (?:his|her|their) (?:own )?life)\b|"
        r"\b(?:dreamt|dreamed|dream|dreaming) (?:that |about )?(?:i (?:died|was dead)|dying|my (?:own )?death)\b",
    ),
    # ---- concern: distress without intent
    (
        "hopeless",
        "concern",
        r"\bhopeless(?:ness)?\b|\blos(?:ing|t) (?:all )?hope\b|\bdespair\w*|\bno hope\b|\bgiven up (?:on )?(?:everything|life|hope)\b|"
        r"\b(?:everything|life|it all|my life|existence|living) (?:feels|is|seems) (?:so )?(?:pointless|meaningless)\b|"
        r"\bno (?:way out|future)\b|\b(?:don't|can't) see (?:a |any )?(?:future|way out)\b|\bnothing (?:i do )?(?:ever )?(?:matters|seems to matter|gets better)\b|"
        r"\bcan't (?:cope|take (?:it|this|much more)|go on|keep going|do this anymore)\b|\bhow (?:i'm|am i) going to keep going\b|"
        r"\b(?:i'm|i am|my life is|everything is) falling apart\b|\bend of my (?:rope|tether)\b|\bwhat's the point\b",
    ),
    (
        "worthless",
        "concern",
        r"\bworthless\b|\b(?:i'm|i am|feel like) (?:such )?a (?:failure|burden|disappointment|waste of (?:space|air|oxygen))\b|"
        r"\bi (?:hate|despise|loathe) myself\b|\b(?:nobody|no one) (?:cares about|loves|needs|would miss) me\b|"
        r"\b(?:i'm|i am|i feel|feeling|feel) (?:so |really |completely |very |just |all the time )*(?:useless|worthless)\b",
    ),
    (
        "low_mood",
        "concern",
        r"\b(?:i'm|i am|i feel|feeling|feel) (?:so |really |completely |very |just |all the time )*(?:empty|numb|trapped|"
        r"broken|defeated|dead inside|miserable|depressed|overwhelmed)\b",
    ),
    (
        # Loneliness is worth a gentle word (concern), and it is not worthlessness.
        "lonely",
        "concern",
        r"\b(?:i'm|i am|i feel|feeling|feel) (?:so |really |completely |very |just |a bit |all the time )*(?:alone|lonely|isolated)\b",
    ),
    (
        "despair",
        "concern",
        r"\bcry(?:ing)? (?:myself to sleep|every (?:night|day)|all (?:night|day))\b|\b(?:been|keep) crying\b|\bpanic attacks?\b|"
        r"\bcan barely (?:get out of bed|function|eat|breathe)\b|\b(?:haven't|have not|not) (?:talked|spoken) to anyone\b|"
        r"\bdon't feel (?:anything|any joy|alive)\b|\bnothing makes me (?:happy|smile|feel)\b",
    ),
    (
        "no_sleep",
        "concern",
        r"\b(?:haven't|have not|not|couldn't|can't|didn't|cannot) (?:really |properly )?(?:slept|sleep|sleeping|been sleeping)"
        r"(?: \w+){0,3} (?:in|for) (?:\w+ ){0,2}(?:days|nights|weeks|a week|ages)\b|\bawake for (?:\w+ )?(?:days|nights)\b|"
        r"\bbarely (?:sleep|slept|sleeping)\b|\binsomnia\b",
    ),
]

CLAUSE_BREAK = r"[.;!?,:()\n]+| but | though | who am i kidding "
NEGATION = r"\b(?:not|never|no longer|don't|won't|wouldn't|didn't|isn't|aren't|am not|i'm not|nor|no)(?: [\w']+){0,2} ?$"
NEGATION_UNDO = r"\b(?:can't|cannot|couldn't) (?:stop|help)\b|\b(?:don't|do not|didn't) know\b|\bwho am i kidding\b"
HUMOUR = r"\blol\b|\blmao\b|\blmfao\b|\bhaha\w*|\bxd\b|\bjk\b|\bjust kidding\b|😂|🤣|😆|💀"
EARNEST = r"\bserious\b|\bseriously\b|\bnot joking\b|\bfor real\b|\bnot kidding\b|\bi mean it\b"
STORY = (
    r"\b(?:movie|film|book|novel|story|character|episode|series|season|show|news|article|report|documentary|chapter|"
    r"song|lyrics|game|anime|play|scene|research|study|statistics|rates?|prevention|awareness|essay|lecture|podcast|"
    r"quiz|signs of|symptoms of|textbook|paramedic|nursing|first aid|thesis|dissertation)\b"
)
HELPING = (
    r"\bhow (?:do|can|should|could|would) i (?:help|support|talk to|approach|reach)\b|\bwhat (?:do|should|can) i do\b|"
    r"\b(?:worried|scared) (?:about|for)\b"
)
TRIVIAL = (
    r"\b(?:exam|homework|meeting|bug|commute|traffic|boss|deadline|assignment|math|class|lecture|monday|queue|game|"
    r"match|team|wifi|printer|crush|embarrass\w*|cringe|hangover|hungover|tequila|excel|spreadsheet|tabs|maths|chem)\b"
)
BENIGN = (
    r"\b(?:camping|climbing|tent|boat|hiking|moving house|garden|laundry|prescribed|prescription|doctor|allergy|"
    r"allergies|vitamins?|hunting|range|fireworks|photos?|walk|new (?:place|flat|apartment|house|home)|moving|move|"
    r"swim|swimming|beach|pool|flight|trip|travel|holiday|vacation|journey|airport|station|party|graduation|"
    r"retirement|wedding|bbq|barbecue|grill|fishing|new job|at the gym|workout|hamstring|balloons?|dinner|curry|while i'm (?:away|in|on|at))\b"
)
RECOVERED = r"\b(?:years ago|long time ago|in recovery|recovered|doing (?:much )?(?:better|well) now|glad i survived|i'm ok now)\b"
SAFE = (
    r"\b(?:called|texted|rang|talked to|spoke to|contacted|reached out to) (?:the |a )?(?:\w+ )?(?:line|hotline|helpline|988|"
    r"samaritans|crisis|therapist|doctor|gp|counsel+or|police|911|999)\b|\b(?:at|in) (?:the )?(?:hospital|er|a&e|emergency)\b|"
    r"\bi'm (?:at|staying (?:at|with)) (?:my )?\w+'s\b|\bstaying with (?:me|my)\b|\b(?:i'm|i am|feel) safe(?: now)?\b|"
    r"\bwith me (?:tonight|now)\b|\b(?:she's|he's|they're|someone's|my \w+(?:'s| is)) staying (?:over|the night|with me)\b|"
    r"\b(?:came|come|coming) (?:over|round)(?= (?:straight away|right away|now))\b|\btexted (?:my )?[\w ]{0,12} instead\b|\bthey're looking after me\b|\b(?:got rid of|flushed|gave away|handed over) (?:the|my) (?:pills|meds|rope|gun|blades?)\b"
)

# The words of risk in the broad sense: life and death, harm, means, endings, hopelessness,
# exhaustion. Where the rules found nothing, a chat-length message without any of them is
# not a crisis on the classifier's word alone (assessor.py): the classifier learnt crisis
# from long Reddit posts, whose everyday words ("keep thinking", "leave me") it over-reads.
FIELD = (
    r"\b(?:die|dying|died|dead|death|suicid\w*|kill\w*|live|living|lived|alive|life|exist\w*|end|ending|over|"
    r"gone|goodbye|pills?|meds|overdos\w*|hurt\w*|harm\w*|cut|cutting|blood|bleed\w*|jump\w*|hang\w*|rope|gun|"
    r"bullet|knife|bridge|anymore|any more|hope\w*|tired|done|escape|disappear\w*|sleep|wake|"
    r"funeral|burden|worthless|pain|numb|empty|nothing|nobody|no one|alone|give up|giving up|gave up|tonight|"
    r"forever|do it|try it|this is it)\b"
)
