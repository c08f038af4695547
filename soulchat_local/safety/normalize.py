"""Text normalisation for the detector: one form for Chinese, one for English.

Chinese: NFKC, lower case, traditional characters folded to simplified (only the
characters the patterns or their context words use), every run of spaces or punctuation
turned into one '|' so that clause boundaries survive even in text typed without
punctuation but with spaces.

English: NFKC, lower case, curly quotes straightened, runs of spaces collapsed, a few
spelling variants folded ("im" -> "i'm", "dont" -> "don't"), a title glued to its body
("dieEveryday") split.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Traditional -> simplified, for the characters that matter here. Pairs, not a full table.
_T2S_PAIRS = (
    "殺杀 輕轻 結结 絕绝 遺遗 書书 離离 開开 沒没 準准 備备 辦办 後后 個个 麼么 為为 會会 "
    "覺觉 們们 還还 這这 樣样 與与 讓让 幫帮 說说 説说 樓楼 藥药 燒烧 傷伤 殘残 劃划 別别 見见 "
    "給给 東东 過过 經经 決决 長长 義义 無无 謝谢 對对 將将 撐撑 脫脱 幾几 禮礼 潰溃 壓压 "
    "難难 時时 間间 問问 題题 電电 視视 劇剧 聞闻 報报 導导 餓饿 熱热 氣气 嚇吓 頭头 買买 "
    "農农 繩绳 縄绳 臺台 車车 軌轨 動动 從从 橋桥 錢钱 愛爱 親亲 媽妈 貓猫 淚泪 煩烦 關关 "
    "係系 話话 讀读 寫写 學学 紀纪 錄录 劑剂 發发 現现 遠远 裡里 裏里 該该 應应 總总 壞坏 "
    "連连 續续 專专 線线 盡尽 斷断 兒儿 嗎吗 爲为 滅灭 聽听 罷罢 彈弹 槍枪 厭厌 獨独 單单 "
    "憂忧 鬱郁 悶闷 緒绪 錯错 輩辈 夠够 當当 體体 處处 實实 際际 願愿 寧宁 著着 醫医 員员 "
    "窮穷 絲丝 塊块 飯饭 歲岁 睏困 將将 萬万 於于 來来 麗丽 戲戏 機机 樂乐 歡欢 興兴 顧顾 "
    "負负 擔担 廢废 用用 蹟迹 悵怅 隨随 喪丧 傳传 陽阳 臺台 陣阵 號号 碼码 聲声 邊边 鬆松 "
    "贅赘 剛刚 懷怀 憶忆 態态 誰谁 認认 識识 記记 張张 帳账 戶户 號号 號号 寶宝 貝贝 "
    "劍剑 刀刀 鋒锋 鐵铁 窗窗 陽阳 臺台 煤煤 氣气 毒毒 吞吞 喝喝 鏡镜 頂顶 墜坠 轉转 醒醒 "
    "夢梦 靜静 讚赞 歷历 華华 齊齐 錶表 鐘钟 燙烫 菸烟 煙烟 痕痕 疤疤 紅红 麻麻 木木 崩崩 "
    "壞坏 網网 絡络 圖图 區区 兩两 禮礼 週周 晚晚 睡睡 眠眠 續续 碼码 題题 嗚呜 麼么 啦啦"
)
_T2S = {}
for _pair in _T2S_PAIRS.split():
    if len(_pair) == 2:
        _T2S[ord(_pair[0])] = _pair[1]


@cache
def _patterns() -> tuple[
    re.Pattern[str], re.Pattern[str], tuple[tuple[re.Pattern[str], str], ...], re.Pattern[str]
]:
    """Compiled on first use, so that importing the package stays cheap."""
    breaks = re.compile(r"[\s\W_]+", re.UNICODE)
    spaces = re.compile(r"\s+")
    folds = tuple((re.compile(pattern), replacement) for pattern, replacement in _EN_FOLDS)
    # "I want to dieEveryday I wake up": a post's title glued to its body, as some exports
    # store them; split where a lower-case word runs into a capitalised one
    glued = re.compile(r"(?<=[a-z][a-z])(?=[A-Z][a-z])")
    return breaks, spaces, folds, glued


_EN_FOLDS = (
    (r"[\u2018\u2019\u02bc`´]", "'"),
    (r"\bim\b", "i'm"),
    (r"\bive\b", "i've"),
    (r"\bid\b", "i'd"),
    (r"\bill\b(?= (?:just|never|be|do|go|end|kill|take))", "i'll"),
    (r"\b(do|does|did|can|won|would|could|is|are|was|were|have|has|ain)nt\b", r"\1n't"),
    (r"\bcant\b", "can't"),
    (r"\bi\s*m\b", "i'm"),
    (r"([a-z])\1{2,}", r"\1"),  # "dieee" -> "die", "sooo" -> "so"
    (r"\bu\b", "you"),
    (r"\b(?:sucide|suicde|suiside|sucicide|suicid|suiside|sewercide)\b", "suicide"),
    (r"\bwanna\b", "want to"),
    (r"\bgonna\b", "going to"),
    (r"\bgotta\b", "got to"),
)


def base(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def chinese(text: str) -> str:
    """Simplified, lower-case text with every break (spaces, punctuation) as one '|'."""
    breaks, _, _, _ = _patterns()
    folded = base(text).translate(_T2S)
    return "|" + breaks.sub("|", folded).strip("|") + "|"


def english(text: str) -> str:
    """Lower-case English with straight quotes, single spaces and a few slang folds."""
    _, spaces, folds, glued = _patterns()
    folded = base(glued.sub(" ", text))
    for pattern, replacement in folds:
        folded = pattern.sub(replacement, folded)
    return " " + spaces.sub(" ", folded).strip() + " "
