"""The detector's patterns: what each one means is in its id and its comment.

Chinese patterns run on normalize.chinese() text (simplified, '|' at every break);
English ones on normalize.english() text (lower case, single spaces, slang folded).

Levels: "crisis", "concern", "euphemism" (concern alone, crisis next to any other cue),
"amplifier" (nothing alone, crisis next to any cue or a means word, e.g. "I have a plan").

Kinds say how the subject is decided:
  "self"    the words themselves are first person ("without me", "我死了以后");
  "subject" the nearest person word before it in the clause decides (我 / 他, I / she);
  "topic"   like "subject", and talk about a film, the news, a book or prevention work
            (see TOPIC_*) turns it off unless the clause is explicitly first person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    kind: str
    regex: re.Pattern[str]


def _rules(lang: str, table: list[tuple[str, str, str, str]]) -> tuple[Rule, ...]:
    return tuple(
        Rule(f"{lang}.{name}", level, kind, re.compile(pattern))
        for name, level, kind, pattern in table
    )


# ----------------------------------------------------------------------------- Chinese
_ZH_METHODS = (
    r"烧炭|卧轨|上吊|跳河|跳江|跳海|跳桥|跳楼(?!价|式|甩卖|清仓|大甩卖|机)|割腕|吞药|服毒|喝农药|"
    r"吃农药|开煤气|吞安眠药|吃安眠药|跳下去"
)
_ZH_MEANS = r"安眠药|药片|农药|老鼠药|百草枯|绳子|木炭|炭|刀片|煤气"

ZH = _rules("zh", [
    # wish not to live: 不想活了, 不想再活下去, 不相活了 (typo), 不想活辽 (internet)
    ("not_want_live", "crisis", "subject",
     r"不[想相像要愿]再?(?:继续)?[活或](?![动力儿泼该跃页性干在成出人者许])|没有?(?:活下去|活着)的(?:理由|意义|勇气|动力)|唔(?:想|要)(?:再)?活|活落去|死咗算|"
     r"(?:为什么|为啥|凭什么)(?:我)?还(?:要)?活着|我为什么还活着|讨厌活着|恨(?:自己)?活着|活不下去|没有?(?:勇气|理由|力气)再?活下去"),
    # want to die: 想死, 好想死掉; not 想死你了 / 想死我了 (I miss you so), 不想死
    ("want_die", "crisis", "subject",
     r"(?<![不别你您])想(?:要)?(?:去)?死(?![你您他她它人鬼机角心党磕记板守刑死穴胡活]|我了|的心)"),
    ("go_die", "crisis", "subject",
     r"(?<!得)(?:想|打算|准备|决定|希望|宁愿)[^|]{0,6}?死(?:掉|了|去|算了)(?!你|您|我了|他|她)|"
     r"(?:把|让)自己[^|]{0,2}(?:弄|搞|饿|折磨)?死|(?:弄|搞|杀|杀了|害)死自己|杀了自己|"
     r"(?:我|就|打算|准备好?|要|想|决定|不如)去死|想(?:到|着|过)(?:要)?(?:去)?死(?![你您他她它人去亡的])|"
     r"(?:要|想|准备|打算)(?:去)?噶(?:了)?(?!腰子)"),
    ("better_dead", "crisis", "subject",
     r"死了(?:就|也)?(?:算了|解脱|一了百了|更好|干净|就好)|不如死了?|宁(?:愿|可)(?:去)?死(?!也不)|"
     r"一死了之|一了百了|死了(?:才|就)?能解脱|寻死|求死|了此残生|让我(?:去)?死(?:了|吧|掉)|"
     r"(?:就这样|就这么)?死(?:掉|了)就好|这辈子就到这(?:里)?(?:吧|了)|人生就到这(?:里)?(?:吧|了)|"
     r"下辈子再(?:见|报答|孝顺|还|做)|下辈子[^|]{0,4}(?:做人|投胎)|不想再做人|"
     r"就当(?:没有|没)我这个人|当我(?:从来)?没(?:有)?存在过|忘(?:了|掉)我吧|"
     r"(?:大家|你们|所有人|谁)(?:都|就)?(?:再也)?看不到我了|再也见不到我|"
     r"(?:去|到)[^|]{0,4}没有痛苦的地方|"
     r"(?:跟|和|向)(?:所有人|大家|每个人|家人)[^|]{0,4}(?:道过别|道别|告别|说过再见|说再见)|死了也(?:没关系|无所谓|没人(?:在乎|知道|发现))|"
     r"(?:如果|要是|万一|等)我[^|]{0,4}不在了|我[^|]{0,6}(?:已经|就|早就)不在(?:人世|了)|"
     r"想(?:要)?永远(?:地)?睡(?:下去|过去|着)|(?:不痛苦|没有痛苦|无痛|安静)地?(?:离开|死去|死掉|走掉)"),
    # suicide words, including internet spellings: 紫砂, 自鲨, zs, 自sha, zisha, 子杀 (typo)
    ("suicide_word", "crisis", "topic",
     r"(?<!防止)(?<!预防)(?<!曾经)(?<!以前)(?<!之前)(?:自杀|紫砂|自鲨|自刹|自sha|zisha|子杀|自尽)"
     r"(?!过|率|防治|预防|干预|热线|事件|新闻)|结束(?:掉)?自己(?!的(?:工作|学业|假期|事业))|"
     r"轻生|寻短见|想不开|自我了断|了断自己|了结自己|结束(?:自己的|我的)?生命|噶了自己|把自己噶了|"
     r"(?<![a-z])zs(?![a-z])|(?<![a-z])ctb(?![a-z])|想s(?![a-z])|想4(?![\d点号个天年月])|(?:结束|了结)(?:这)?一切"),
    ("leave_world", "crisis", "subject",
     r"离开(?:这个|这)?(?:世界|人世|人间)|告别(?:这个)?世界|去另一个世界|想(?:要)?去世|"
     r"再见了?(?:这个)?世界|下辈子再见|来世再见|不想(?:再)?(?:醒(?:来|过来)?|存在|睁开眼|睁眼)|"
     r"(?:永远|再也)不(?:要|想)?醒|从这个世界(?:上)?消失|不会醒来就好|永远(?:地)?消失|不配活|不该活|不值得活|活够了"),
    ("better_without_me", "crisis", "self",
     r"(?:没有我|我不在了?|我消失了?|我死了?|我走了)(?:以后|之后)?\|?[^|]{0,8}"
     r"(?:更好|轻松|会好|开心|解脱|省心|清净)|(?:累赘|负担)[^|]{0,4}(?:消失|去死|不在)"),
    ("life_meaningless", "crisis", "subject",
     r"活着[^|]{0,6}(?:没|没有|无)(?:什么)?(?:意思|意义)|活着[^|]{0,4}意义都没有|"
     r"活着(?:还)?有什么意(?:思|义)"),
    ("farewell", "crisis", "topic",
     r"遗书|遗言|绝笔|(?<!他)(?<!她)(?<!你)永别|诀别|最后一次(?:跟|和)?(?:你|你们|大家)说话|"
     r"最后一条(?:消息|信息)|(?:想说的话|要说的话|最后的话)都?(?:写|留)|这是我(?:的)?最后一(?:晚|夜|天)了|"
     r"(?:看到|收到)这条(?:消息|信息).{0,10}我(?:应该)?(?:已经|早就)(?:走了|不在了|离开了)|"
     r"(?:楼顶|天台|桥上|楼上).{0,12}(?:不下来|不回来)了|想好(?:了)?(?:在哪里?|怎么|什么时候)[^|]{0,3}结束|"
     r"(?:下辈子|来世).{0,10}不(?:想|要)再来|最后一次(?:找人|跟人|和人|跟你|和你|跟你们|和大家)?(?:说话|聊天)|写好了?给(?:每个人|大家|所有人|家人|爸妈|你们)的(?:信|话)|我的最后一天了|人生的最后一天|活着的最后一天|我死后|我死了以后|"
     r"我走了以后|我走之后|我不在了以后|我不在以后|后事(?:都)?(?:安排好|交代)|交代后事"),
    ("means", "crisis", "subject",
     r"(?:攒|存|囤|买|备|准备|收集|藏)(?:了|够了|好了|够|好)?[^|]{0,5}(?:" + _ZH_MEANS + r")|"
     r"(?:" + _ZH_MEANS + r")[^|]{0,4}(?:攒|存|囤|准备|备|买)(?:够|好|齐)|"
     r"(?:多少|几)片[^|]{0,4}(?:会死|能死|致死)|吃多少[^|]{0,3}(?:会死|能死)|"
     r"(?:吃|吞|喝)(?:了|下|掉)?(?:一整瓶|一瓶|整瓶|一把|所有的?|全部的?)[^|]{0,3}(?:安眠药|药|药片|农药)|"
     r"(?:无痛|不痛|快速|舒服)的?(?:死法|自杀)|怎么死(?!的)|想好(?:了)?怎么死|"
     r"(?:站在|爬上|坐在)(?:天台|楼顶|桥|窗台|阳台)[^|]{0,4}(?:边|往下|想跳)|"
     r"查(?:好|了|过)[^|]{0,6}(?:哪座桥|哪栋楼|多高|死法|药量|致死)|哪座桥最高|多高[^|]{0,3}(?:能|会)摔死|"
     r"药(?:都|已经)?(?:买|准备|攒|存)(?:好|够|齐)了|"
     r"(?:从|往)(?:窗户|窗口|窗台|楼上|楼顶|天台|阳台|桥上)[^|]{0,4}跳|跳出窗"),
    ("method", "crisis", "topic", _ZH_METHODS),
    ("self_harm", "crisis", "subject",
     r"自残|自伤|伤害自己|(?:划|割|烫|伤|咬|掐|撞)(?:伤)?(?:了)?自己|打(?:了)?自己(?!的?脸)|"
     r"割(?:了)?(?:手腕|腕|手臂|胳膊|大腿)|(?:划|割)(?:了)?(?:手|手臂|胳膊|大腿)|"
     r"(?:拿|用)(?:刀|刀片|美工刀)[^|]{0,2}(?:划|割)|烟头烫|自己(?:划|割|烫)的|"
     r"(?:手腕|手臂|胳膊|大腿)上[^|]{0,10}(?:划痕|刀痕|口子|伤口)"),
    # concern ---------------------------------------------------------------
    ("hopeless", "concern", "subject",
     r"绝望|无望|没有?希望|没(?:什么|啥)希望|看不到(?:任何)?(?:希望|未来|出路|光)|希望都看不到|毫无希望|无助|"
     r"走投无路|没有出路|没脸见人|没脸活|拖累|失去了?(?:所有的?|全部的?)?(?:动力|希望|意义)"),
    ("cannot_hold_on", "concern", "subject",
     r"撑不(?:下去|住)|熬不(?:下去|住)|坚持不(?:下去|住)|"
     r"(?<!电脑)(?<!系统)(?<!程序)(?<!软件)(?<!游戏)(?<!网站)崩溃"),
    ("worthless", "concern", "subject",
     r"一无是处|废物|没用的人|什么都做不好|是(?:个|[^|]{0,4}的)(?:负担|累赘)|对我(?:很)?失望|"
     r"没人(?:在乎|关心|懂|需要)我|多余的人|是多余的|不被需要"),
    ("past_attempt", "concern", "subject",
     r"(?:自杀|自残|割腕|轻生)过|(?:以前|之前|曾经|过去)[^|]{0,3}(?:自杀|自残|割腕|轻生)"),
    ("despair", "concern", "subject",
     r"活得(?:好|很|太)累|活着(?:好|很|太)累|(?:好|很|太|每天都)痛苦|每天都(?:在)?哭|一直在哭|"
     r"好空|空虚|麻木|被困住|困住了|(?:一切|什么|人生|生活|做什么)都?(?:没|没有)(?:意义|意思)|"
     r"(?:人生|生活)(?:好|真)?没意思|不知道为什么还要(?:继续|活|坚持)|什么都不想做|不想见(?:任何)?人|"
     r"不想面对(?:任何|一切|所有)|(?:总是|经常|老是|一直|每天|天天)[^|]{0,6}哭|"
     r"感觉不到(?:任何)?(?:快乐|开心|意义)|提不起(?:劲|兴趣|精神)|(?:自己|我)(?:是不是)?(?:好|真|太|很)?(?:没用|失败)|"
     r"不想再坚持|没有人会想(?:念|我)|被掏空|哭不出来|"
     r"没(?:有)?人[^|]{0,4}(?:在乎|关心|懂|需要|爱|理解)我|(?:自己|我)什么都不是|心里(?:好|很|太)苦|"
     r"不知道(?:能|可以)?(?:跟|和|找)谁说|什么都感觉不到|感觉不到任何东西|"
     r"(?:好|很|太)孤独|孤独得|没人(?:能|可以)说话|(?:开心|高兴)不起来|对什么都提不起|人间不值得"),
    ("no_sleep", "concern", "subject",
     r"(?:[一二两三四五六七八九十几好多数]+|\d+)个?多?(?:天|晚上?|夜|星期|周|礼拜)(?:都|了)?"
     r"(?:(?:没|没有|不能|无法)(?:怎么|好好)?(?:睡|合眼)|睡不着|失眠)|"
     r"(?:没睡|睡不着|失眠|没怎么睡)(?:了)?(?:好|快)?(?:几|[一二两三四五六七八九十]|\d+)个?(?:天|晚|夜|星期|周|礼拜)|"
     r"失眠到天亮|连续[^|]{0,4}(?:没睡|失眠)|"
     r"(?:睡不着|失眠|没睡|没怎么睡).{0,12}?(?:[一二两三四五六七八九十几好多数]+|\d+)个?(?:天|晚上?|夜|星期|周|礼拜)|(?:一直|总是|每天|天天|整夜|整晚)(?:都)?(?:睡不着|失眠)"),
    ("euphemism", "euphemism", "subject",
     r"想(?:要)?(?:彻底)?解脱|想(?:要)?消失|不如(?:就)?消失|想一睡不醒|睡过去就好|想死的心都有|"
     r"先走一步|我(?:要|先)走了|就这样吧|一切都(?:会)?结束(?:了|的)|我(?:也)?没几天了|活不了几天|(?:这个)?世界(?:上)?不需要我|(?:要是|如果)我不存在|我不存在的话|不想留下任何(?:东西|痕迹)|"
     r"(?:打算|准备|想)[^|]{0,8}(?:安静地|悄悄地|安安静静地)走|永远不(?:要)?再回来"),
    ("plan", "amplifier", "subject",
     r"计划好了|想好了|准备好了|决定好了|都安排好了|整理好了|再见了?\|$|今晚过后|"
     r"希望[^|]{0,4}(?:别|不要)太?(?:难过|伤心)|写了?[^|]{0,4}(?:信|遗言)给|对不起(?:大家|所有人|爸妈|爸爸妈妈)|不孝|"
     r"就等[^|]{0,6}没人|原谅我"),
    ("burned_traces", "amplifier", "subject", r"把[^|]{0,4}(?:日记|信|照片)都?(?:烧|撕)(?:掉|了)"),
])

# Giving things away counts only with a sign of finality in the same message.
ZH_GIVE = re.compile(r"送人|送给|送掉|托付|转给|留给|捐了|都给了|写给|交给|分给|分掉|密码")
ZH_FINAL = re.compile(
    r"(?:以后|反正)(?:也|都)?用不(?:上|着)|用不(?:上|着)了|不会再[^|]{0,3}了|我不在了|我(?:要|先)?走了|"
    r"以后就拜托|先走一步"
)
ZH_BENIGN = re.compile(r"露营|野营|登山|攀岩|晾衣|跳绳|打包|钓鱼|搬家|烧烤|火锅|做饭|医生(?:给我)?开")
ZH_VALUABLES = re.compile(r"密码|账号|存款|积蓄|银行卡|遗产|宠物|猫|狗")
ZH_MEANS_WORD = re.compile(_ZH_MEANS + "|" + _ZH_METHODS)

ZH_SELF = re.compile(r"我|自己|俺|本人")
ZH_OTHER = re.compile(
    r"他们|她们|他|她|朋友|同学|室友|闺蜜|兄弟|哥哥|姐姐|弟弟|妹妹|爸爸|妈妈|父亲|母亲|儿子|女儿|"
    r"孩子|老公|老婆|丈夫|妻子|男友|女友|男朋友|女朋友|同事|老板|学生|有人|别人|主角|角色|男主|女主|"
    r"网友|明星|患者|病人|家人|亲戚|奶奶|爷爷|外婆|外公|邻居|对象|哥|姐|弟|妹|爸|妈"
)
ZH_TOPIC = re.compile(
    r"电影|电视剧|剧里|剧中|剧情|小说|书里|书中|这本书|角色|主角|男主|女主|新闻|报道|事件|研究|数据|"
    r"论文|作文|讲座|课上|历史|纪录片|游戏里|动漫|漫画|歌词|防治|预防|蹦极|跳伞|跳水|案件|警方|《|"
    r"那场戏|这场戏|戏里|拍得|演员|剧组|急救|培训|听说|据说|是真的吗"
)
ZH_HELP = re.compile(
    r"(?:怎么|如何|怎样|要怎么)(?:帮|劝|安慰|陪|开导|支持|回应|回复|跟[^|]{0,2}说)|怎么办|担心|害怕"
)
ZH_NEGATION = re.compile(
    r"(?:没有|没|不会|不是|并不|并没有|从没|从来没|不再|(?<![特分区级告识性类差离辨])别)[想要再去会]?$"
)

# ----------------------------------------------------------------------------- English
_EN_PERSON_BODY = r"(?:my ?self|my (?:arms?|wrists?|legs?|thighs?|skin|body|stomach))"
_EN_MEANS = r"pills|meds|medication|tablets|rope|noose|gun|bridge|razor|blades?|overdose|jump"

EN = _rules("en", [
    ("want_die", "crisis", "self",
     r"\bi(?:'m| am)? (?!(?:do )?not |never )(?:\w+ ){0,2}?(?:want|wish|need|ready|plan|planning|"
     r"decided|deserve|deserved|trying|about)(?: to)? (?:die|dye|be dead|not be alive|not exist|"
     r"stop existing|not wake up)\b|\bi want death\b"),
    ("kill_self", "crisis", "subject",
     r"\b(?:kill|killing|killed|off|offing|unalive|unaliving|hang|hanging|hanged|shoot|shooting|"
     r"drown|drowning|poison|poisoning) ?my ?self\b|\bkms\b|\bkys\b|\bunaliv(?:e|ing)\b|"
     r"\bsewer ?slide\b|\bctb\b"),
    ("end_life", "crisis", "subject",
     r"\b(?:end|ending|take|taking) (?:my (?:own )?life|it all)\b|"
     r"\b(?:going to|want to|ready to|plan to|planning to|about to|will|i'll|decided to) end it\b"
     r"(?! with| for| between| off)|\b(?:night|day|time|week|moment) i(?:'ll| will)? end it\b|"
     r"\b(?:end|ending) it (?:tonight|today|tomorrow|soon|all|now|this (?:week|weekend))\b|"
     r"\b(?:i mean|as in) (?:die|dying|dead|suicide|kill myself|for good)\b|"
     r"\b(?:going to|want to|about to|ready to) jump(?: now| tonight| today| off)?(?= ?(?:$|[.,;!?]))"),
    ("suicidal", "crisis", "topic",
     r"\bsu[ia]?[ci]{1,3}d[ie]?a?l\b|\bsu[ia]?[ci]{1,3}dle\b|\b(?:commit|committing|attempt|attempting|try|trying) suicide\b|"
     r"\b(?:thinking|thought|think|thoughts|considering|contemplating)(?: about| of)? "
     r"(?:suicide|killing myself|ending (?:my life|it all|it)|dying|taking my (?:own )?life)\b|"
     r"\b(?:planning|plan|planned|preparing|prepare) (?:my|for) (?:suicide|death)\b|\bmy suicide\b"),
    ("better_without_me", "crisis", "self",
     r"\bbetter (?:off )?without me\b|\bbetter off (?:if|when) i(?:'m| am| was| were)? "
     r"(?:gone|dead|not here|not around|wasn't (?:here|around|alive)|weren't (?:here|around|alive)|died)\b|"
     r"\b(?:if|when|after|once) i(?:'m| am| was| were)? (?:dead|gone)\b|\bif i died\b|\bafter i die\b|"
     r"\bi(?:'d| would)? (?:be )?better off dead\b|"
     r"\b(?:better|happier|easier|fine) (?:off )?(?:if|when) i (?:just )?(?:died|was gone|were gone|wasn't here|"
     r"weren't here|disappeared|killed myself)\b"),
    ("wish_dead", "crisis", "self",
     r"\bi wish (?:i (?:was|were) (?:dead|never born|gone)|i (?:wasn't|weren't) (?:alive|born|here|around)|"
     r"i could (?:just )?(?:die|go to sleep and never wake up|not wake up|disappear forever))|"
     r"\bnever wake up\b|\b(?:and|to) not wake up\b|\bnothing left to live for\b|\bdon't want to wake up\b|\bhope i (?:don't|never) wake up\b"),
    ("no_reason_live", "crisis", "subject",
     r"\b(?:no|not any|not a|don't see (?:a|any)|can't see (?:a|any)|there's no) (?:reason|point) "
     r"(?:to|in|for) (?:keep |keeping |go |going )?(?:living|live|being alive|stay alive|staying alive|"
     r"be alive|exist|existing|go on)\b|\btired of (?:living|being alive|life|existing)\b(?! in| with| at| like| paycheck| under| on| here| there)|"
     r"\bdon't want to (?:live|be alive|exist|be here)(?! in| with| at| near| there| like| on| by| alone| "
     r"together| abroad| somewhere)\b|\bdone with (?:life|living|being alive)\b|"
     r"\blife (?:isn't|is not|'s not|ain't) worth (?:living|it)\b|"
     r"\bnot worth living\b|\b(?:my )?life is(?: so)? (?:pointless|meaningless)\b|"
     r"\bdon't think i'll (?:be alive|make it to|be around|be here)\b|\bwon't be alive\b|"
     r"\bi(?:'ll| will) be (?:dead|gone) (?:by|before|soon|next)\b|"
     r"\b(?:not going to|won't) be (?:here|around|alive) (?:much longer|for long|anymore|tomorrow)\b|"
     r"\bif i'm not (?:here|around|alive) (?:tomorrow|anymore|by)\b|"
     r"\b(?:make|making) (?:it|this|everything|the pain) (?:all )?stop (?:for good|forever|permanently)\b|"
     r"\bwon't be (?:a problem|a burden|bothering anyone|in anyone's way)\b[^.]{0,20}\b(?:much longer|for long|soon|anymore)\b|"
     r"\b(?:i'm|i am) (?:on|at|standing on) (?:the|a|this) (?:bridge|roof|rooftop|ledge|edge|cliff|tracks|railway)\b"
     r"(?= (?:right now|now|tonight|again)|\W*$)|"
     r"\bsuicide\b[^.]{0,20}\b(?:only (?:option|way|answer|choice)|is the answer|best option)\b|"
     r"\bonly (?:option|way out|choice|answer) (?:left )?(?:is|is to) (?:suicide|death|die|dying)\b|"
     r"\bhate (?:being alive|living|existing|my existence)\b(?! in| with| at| here| there)|"
     r"\b(?:picture|picturing|imagine|imagining|planning) my (?:own )?funeral\b|"
     r"\bdone living\b|\b(?:don't|can't) see myself (?:alive|living|here|around)\b|"
     r"\b(?:wrote|writing|left|leave|leaving) (?:a|my) (?:note|letter)s? (?:for (?:\w+ ){1,2}to find|for when|for after)\b|"
     r"\b(?:keep|kept|been) (?:looking|staring) at (?:the|a|my) (?:knife|blade|razor|pills|rope|gun)\b"),
    ("farewell", "crisis", "topic",
     r"\b(?:this is|this'll be|this will be|here's) (?:my )?(?:last|final) (?:message|post|goodbye|text|words)\b|"
     r"\b(?:said|saying) (?:all )?my goodbyes\b|"
     r"\bby the time (?:you|anyone|someone) (?:read|reads|see|sees|find|finds) this\b|"
     r"\b(?:suicide|goodbye) (?:note|letter)s?\b|\bgoodbye (?:everyone|everybody|forever|world|all)\b|"
     r"\bthis is goodbye\b|\bwon't be (?:around|here|alive) (?:after|tomorrow|much longer|anymore|for long|by)\b|"
     r"\bletters? (?:\w+ ){0,6}(?:after|when|once) i'm (?:gone|dead)\b|\b(?:final|last) goodbyes?\b"),
    ("give_away", "crisis", "subject",
     r"\b(?:gave|giving|given) (?:away )?(?:all|most) (?:of )?my (?:stuff|things|belongings|possessions)\b|"
     r"\bgiving (?:all )?my (?:stuff|things|belongings|possessions) away\b|"
     r"\bwon't need (?:them|it|these|this|those|that|my \w+)(?: anymore)? (?:where i'm going|after (?:tonight|today))\b"),
    ("means", "crisis", "subject",
     r"\b(?:saving|saved|stockpiling|stockpiled|collecting|hoarding|hoarded|stashing|stashed) (?:up )?"
     r"(?:\w+ ){0,2}(?:pills|meds|medication|medications|tablets|painkillers)\b|"
     r"\bhow many (?:\w+ ){0,2}(?:pills|tablets|meds)(?: \w+){0,3} (?:would (?:it )?take|it would take|"
     r"to die|to overdose|to od|is (?:lethal|fatal|deadly)|would kill)\b|"
     r"\b(?:take|taking|swallow|swallowing) (?:all|the whole|a whole|every one) (?:of )?(?:my |the |these |those )?"
     r"(?:\w+ )?(?:pills|meds|tablets|bottle)\b|"
     r"\b(?:going to|want to|will|plan to|planning to|about to|thinking about|try to|trying to) "
     r"(?:overdose|overdosing|od)\b|\b(?:took|swallowed|taken) (?:a bunch of|a lot of|all (?:of )?(?:my|the)|"
     r"too many|a handful of|lots of|loads of|a whole bottle of|the whole bottle of) (?:\w+ )?"
     r"(?:pills|meds|tablets|painkillers)\b|"
     r"\b(?:bought|got|buy|buying|tied|tying|made|making) (?:a |the |some )?(?:rope|noose)\b"
     r"(?! (?:bridge|ladder|course|swing|toy|lego|set|workout|for (?:the|my) (?:boat|tent|garden|dog|climbing)))|"
     r"\bnoose\b|\b(?:the |my |enough )?(?:pills|rope|noose|gun|razor|blades?|tablets)(?: are| is)? "
     r"(?:ready|lined up|counted out)\b|\bgun (?:to|against) my head\b|\b(?:bought|got) a gun (?:to|so i can) (?:end|kill)|"
     r"\b(?:jump|jumping|leap|leaping|throw myself) (?:off|from|in front of|under) (?:a |the |this |that |my )?"
     r"(?:\w+ )?(?:bridge|roof|building|balcony|cliff|train|window|ledge|tower|car|bus|overpass)\b|"
     r"\bstanding on (?:the |a |my )?(?:roof|ledge|bridge|edge)\b|"
     r"\bhow to (?:die|kill myself|end (?:my life|it all)|commit suicide|overdose)\b|"
     r"\b(?:painless|quick|easy|fastest|least painful) (?:way|ways|method|methods) to (?:die|go|kill myself|end it)\b|"
     r"\bhow (?:i'm|i am) going to do it\b|"
     r"\b(?:researching|researched|looking up|looked up|googling|googled|searching|searched)(?: \w+){0,2} "
     r"(?:ways|methods|how) to (?:do it|die|end it|kill myself)\b|"
     r"\bgarage\b[^.]{0,40}\bengine (?:running|on)\b|\bhow (?:i|to) (?:want|plan) to die\b|\bhow to die\b"),
    ("self_harm", "crisis", "subject",
     r"\b(?:slit|slitting|slash|slashing|cut|cutting|cuts|burn|burned|burnt|burning|hurt|hurting|harm|harming|harmed|hit|hitting|"
     r"scratch|scratching|punish|punishing|starve|starving) " + _EN_PERSON_BODY +
     r"\b(?! (?:a|an|some|another|free|loose|short|off from)\b)|"
     r"\bself[- ]?harm\w*|\b(?:been|started|start|keep|kept|back to|relapsed and|stop) cutting\b"
     r"(?! (?:back|down|costs?|carbs|class|classes|corners|my hair|hair|onions|the))|\bcutting again\b|"
     r"\bsh urges\b"),
    # concern ---------------------------------------------------------------
    ("hopeless", "concern", "subject",
     r"\bhopeless(?:ness)?\b|\blos(?:ing|t) (?:all )?hope\b|\bdespair\w*|\bno hope\b|\bgiven up (?:on )?(?:everything|life|hope)\b|"
     r"\bwhat(?:'s| is) (?:even )?the point\b(?! of (?:this|that|the) (?:meeting|class|feature|function|button|api|option|setting))|"
     r"\b(?:everything|life|it all|anything|my life|existence|living) (?:feels|is|seems) (?:so )?pointless\b|"
     r"\bno (?:way out|future)\b|\b(?:don't|can't) see (?:a |any )?(?:future|way out)\b|"
     r"\bnothing (?:matters|ever gets better|gets better|will ever change|will get better)\b|"
     r"\bcan't (?:cope|take (?:it|this|much more)|handle (?:it|this|anything)|do this)(?: anymore| any more)?\b|"
     r"\b(?:i'm|i am|my life is|everything is|everything's|life is) falling apart\b|\bend of my rope\b|"
     r"\bend of my tether\b|\bhow (?:much )?longer i can (?:keep going|go on|hold on|do this|take (?:it|this))\b|"
     r"\bbarely (?:sleep|slept|sleeping)\b|\bnothing makes me (?:happy|smile|feel)|\b(?:i'm|i keep) breaking down\b|\bcan't go on\b"),
    ("worthless", "concern", "subject",
     r"\bworthless\b|\b(?:nobody|no one) would (?:even )?notice\b|\b(?:i'm|i am) (?:such )?a (?:failure|burden|waste of space|waste of (?:air|oxygen))\b|"
     r"\b(?:feel|feeling) like (?:such )?a (?:failure|burden)\b|"
     r"\bburden (?:to|on) (?:everyone|everybody|my family|you all|them|others)\b|\bi (?:hate|despise) myself\b|"
     r"\b(?:i'm|i am|i feel|feeling|feel) (?:so |really |completely |very |just )*(?:empty|numb|trapped|alone|"
     r"lonely|useless|broken|defeated|dead inside)\b|\bdead inside\b|"
     r"\bcry(?:ing)? (?:myself to sleep|every (?:night|day)|all (?:night|day))\b|"
     r"\b(?:i'm|i am|i feel|feeling|feel|and|so|just|emotionally) numb\b|"
     r"\b(?:don't|can't) feel (?:anything|any joy|happy|alive)(?: anymore| any more)?\b|"
     r"\b(?:i'm|i am|i feel|feeling|feel) (?:so |really |very |just |pretty |super )*(?:down|low|depressed|miserable)\b"
     r"(?! (?:for|to|with|there|here|the|on|about it))|"
     r"\bi'm drowning\b(?! in (?:work|emails?|homework|paperwork|assignments))|"
     r"\b(?:nobody|no one|no-one) (?:sees (?:it|me)|cares about me|would care|would miss me|needs me)\b"),
    ("no_sleep", "concern", "subject",
     r"\b(?:haven't|have not|hasn't|not|couldn't|can't|didn't|cannot) (?:really |properly )?"
     r"(?:slept|sleep|sleeping|been sleeping|been able to sleep)(?: \w+){0,3} (?:in|for) (?:\w+ ){0,2}"
     r"(?:days|nights|weeks|a week|ages)\b|\b(?:awake|up|no sleep) (?:for )?(?:\w+ ){0,2}(?:days|nights) "
     r"(?:straight|in a row)\b|\bawake for (?:\w+ )?(?:days|nights)\b|\bcan't sleep for (?:days|weeks)\b|"
     r"\binsomnia for (?:days|weeks|a week)\b"),
    ("other_at_risk", "concern", "topic",
     r"\b(?:he|she|they|friend|brother|sister|son|daughter|mom|mum|dad|mother|father|partner|boyfriend|"
     r"girlfriend|husband|wife|kid|child|student|colleague|coworker|roommate)(?:'s| is| has| was| keeps?| "
     r"said| says| told| talks?| talking| been)?\b[^.?!]{0,40}?\b(?:wants? to die|suicid\w*|"
     r"kill(?:ing|s)? (?:him|her|them)sel(?:f|ves)|end(?:ing|s)? (?:his|her|their) (?:own )?life|"
     r"self[- ]?harm\w*|(?:hurt|cut|burn|harm|starve)(?:ing|s)? (?:him|her|them)sel(?:f|ves)(?! (?:a|an|some|another|free|loose)\b)|"
     r"talking about (?:dying|death)|(?:doesn't|does not|don't|do not) want to (?:live|be alive|be here))"),
    ("euphemism", "euphemism", "subject",
     r"\bwant to disappear\b|\bdisappear forever\b|\bjust want (?:it|this|everything) (?:all )?to (?:be over|end|stop)\b|"
     r"\bwant it all to (?:be over|end|stop)\b|\bsleep forever\b|\bwon't be around\b|"
     r"\b(?:pain|suffering|it all|everything) will (?:be over|end|stop) soon\b|\bready to go\b|"
     r"\bi'm done\W*$|\bnothing left for me\b"),
    ("over_for_good", "crisis", "subject",
     r"\b(?:want|wish|need)(?: \w+){0,4} (?:to be over|to end|to stop|gone|to disappear|to sleep)"
     r"(?: \w+)?,? (?:permanently|for good|forever)\b"),
    ("plan", "amplifier", "subject", r"\bi (?:have|made|got|'ve got|'ve made) a plan\b|\bi know how\b"),
    ("made_up_mind", "amplifier", "subject",
     r"\b(?:made up my mind|my mind is made up|i've decided|made peace with (?:it|dying|death|my decision))\b"),
    ("tonight", "amplifier", "subject", r"\b(?:tonight'?s the night|tonight is the night|it'?s time now)\b"),
    ("sorry", "amplifier", "subject", r"\bsorry for everything\b|\bplease forgive me\b"),
    ("goodbye", "amplifier", "subject", r"\bgoodbye\W*$|\bi love you all\b"),
    ("will", "amplifier", "subject", r"\b(?:wrote|writing|made|making|finished) (?:my|a) will\b"),
    ("gave_pet", "amplifier", "subject", r"\bgave (?:away )?my (?:dog|cat|pet|stuff|things)\b"),
    ("tired_all", "concern", "subject",
     r"\btired of (?:everything|it all|all of (?:this|it)|fighting|trying)\b|"
     r"\b(?:feel like giving up|want to give up|ready to give up)\b(?! on (?:this|the|my) (?:diet|project|game|course|class))"),
    ("take_all", "amplifier", "subject", r"\b(?:take|taking|swallow|swallowing) (?:them|these|those) all\b"),
])

EN_BENIGN = re.compile(
    r"\b(?:camping|climbing|tent|boat|hiking|moving house|garden|laundry|prescribed|prescription|"
    r"doctor|allergy|allergies|vitamins?|hunting|range)\b"
)
EN_MEANS_WORD = re.compile(r"\b(?:" + _EN_MEANS + r")\b")
EN_SELF = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself)\b")
EN_OTHER = re.compile(
    r"\b(?:he|she|they|him|her|them|his|their|he's|she's|they're|friend|brother|sister|son|daughter|"
    r"mom|mum|dad|mother|father|parent|partner|boyfriend|girlfriend|husband|wife|kid|child|student|"
    r"colleague|coworker|roommate|someone|somebody|people|character|hero|protagonist|celebrity|man|"
    r"woman|guy|girl|cousin|uncle|aunt|grandma|grandpa|teacher|romeo|juliet)\b"
)
EN_TOPIC = re.compile(
    r"\b(?:movie|film|book|novel|story|character|episode|series|season|show|news|article|report|"
    r"documentary|chapter|song|lyrics|game|anime|play|scene|research|study|statistics|rates?|"
    r"prevention|awareness|essay|lecture|podcast)\b"
)
EN_HELP = re.compile(
    r"\bhow (?:do|can|should|could|would) i (?:help|support|talk to|approach|reach)\b|"
    r"\bwhat (?:do|should|can) i do\b|\b(?:worried|scared) (?:about|for)\b"
)
EN_NEGATION = re.compile(
    r"\b(?:not|never|no longer|don't|won't|wouldn't|didn't|isn't|aren't|am not|i'm not)(?: [\w']+){0,2} ?$"
)
EN_NEGATION_UNDO = re.compile(r"\b(?:can't|cannot|couldn't) (?:stop|help)\b|\b(?:don't|do not|didn't) know\b")
EN_CLAUSE_BREAK = re.compile(r"[.;!?,]| but | and then ")

# Laughter or a joke marker next to a bare wish to die ("I want to die lol", "我想死了哈哈哈"):
# the wish is lowered to concern (never to none), unless the person says they mean it.
LAUGHTER = re.compile(r"哈哈|呵呵|hhh|笑死|\blol\b|\blmao\b|\blmfao\b|\bhaha|\bxd\b|😂|🤣|😆")
EARNEST = re.compile(
    r"认真|不是开玩笑|没开玩笑|说真的|\bserious\b|\bseriously\b|\bnot joking\b|\bfor real\b|\bnot kidding\b"
)
BARE_WISH = frozenset({"zh.want_die", "zh.go_die", "zh.not_want_live", "en.want_die", "en.kill_self"})
BENIGN_RULES = frozenset({"zh.means", "zh.method", "en.means"})

# A rule's hit is ignored when the message matches its exception (breakups, hair dye, cake).
UNLESS = {
    "zh.farewell": re.compile(r"(?:和|跟|与)(?:我的?)?(?:他|她|你|前任|前男友|前女友|渣男|渣女|ex)[^|]{0,4}永别|分手"),
    "en.farewell": re.compile(r"\bsee (?:you|ya|u)\b|\b(?:until|till) (?:monday|tomorrow|next|later)|\bhave a (?:good|nice|great)\b"),
    "en.want_die": re.compile(r"\bd[iy]e (?:my|her|his|their|the|it) (?:hair|clothes|shirt|fabric|\w+ (?:hair|blue|red|black|pink))"),
}
