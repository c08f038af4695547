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
    "壞坏 網网 絡络 圖图 區区 兩两 禮礼 週周 晚晚 睡睡 眠眠 續续 碼码 題题 嗚呜 麼么 啦啦 "
    # stop 17: the rest of the traditional characters in the project's chat messages, and
    # more of everyday talk about feelings, health, money and family
    "點点 講讲 較较 運运 師师 隻只 請请 薦荐 責责 廳厅 進进 課课 淨净 諒谅 繼继 條条 櫃柜 "
    "癢痒 簽签 掛挂 測测 產产 虛虚 籬篱 魚鱼 賣卖 種种 曬晒 獻献 傾倾 約约 韓韩 職职 練练 "
    "習习 繳缴 嬤嬷 趕赶 屍尸 騎骑 價价 盤盘 鹽盐 濕湿 銀银 雞鸡 腦脑 亂乱 帶带 園园 試试 "
    "緊紧 詞词 屜屉 敗败 紙纸 丟丢 隊队 場场 腳脚 鑰钥 蘿萝 凍冻 檸柠 殼壳 睜睁 慮虑 風风 "
    "費费 閨闺 軟软 鬧闹 幹干 乾干 舊旧 餘余 燈灯 飛飞 鳥鸟 語语 務务 業业 議议 論论 設设 "
    "計计 調调 換换 麵面 衛卫 護护 診诊 療疗 鎖锁 門门 勞劳 懶懒 慣惯 歸归 滿满 衝冲 擊击 "
    "陰阴 惡恶 戀恋 嘆叹 瘋疯 癲癫 穩稳 環环 億亿 債债 權权 觸触 屬属 雙双 驗验 險险 嚴严 "
    "聯联 緩缓 慘惨 憐怜 顆颗 顏颜 類类 飽饱 館馆 驚惊 髮发 黨党 龍龙 豬猪 貴贵 買买 賺赚 "
    "貸贷 賬账 債债 錄录 鍋锅 鐘钟 闆板 闖闯 陳陈 隱隐 雖虽 靈灵 頁页 順顺 須须 預预 領领 "
    "頻频 顯显 飲饮 餐餐 養养 騙骗 鬥斗 黃黄 齡龄 傻傻 僅仅 優优 儘尽 冊册 剎刹 劉刘 勁劲 "
    "勸劝 嚨咙 嚮向 圍围 夥伙 奮奋 婦妇 媽妈 孫孙 實实 審审 寵宠 寬宽 導导 層层 嶄崭 幣币 "
    "廣广 張张 強强 歸归 徹彻 態态 慶庆 憤愤 懼惧 戰战 據据 擁拥 擇择 擬拟 擾扰 攝摄 敵敌 "
    "斷断 暫暂 樹树 橫横 檢检 歡欢 殼壳 氣气 決决 況况 淺浅 減减 測测 溝沟 滾滚 漸渐 潔洁 "
    "災灾 煉炼 熱热 爭争 爺爷 獎奖 瑪玛 畢毕 療疗 皺皱 盜盗 監监 睏困 矯矫 礙碍 確确 禍祸 "
    "種种 稱称 穩稳 窩窝 競竞 筆笔 節节 範范 簡简 糾纠 紀纪 純纯 組组 細细 終终 絆绊 統统 "
    "綁绑 維维 網网 緣缘 編编 縮缩 總总 績绩 繃绷 罰罚 羅罗 聖圣 聰聪 膽胆 臉脸 與与 舉举 "
    "艱艰 藝艺 處处 號号 蟲虫 術术 補补 裝装 複复 覽览 觀观 訂订 訊讯 託托 許许 診诊 詢询 "
    "誤误 諮咨 謊谎 證证 讚赞 讓让 負负 貼贴 資资 賴赖 贏赢 躍跃 軟软 輔辅 輸输 辭辞 農农 "
    "遊游 過过 達达 遲迟 選选 還还 醜丑 釋释 鬱郁 諗谂"
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
