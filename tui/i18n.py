"""The app's own words in Chinese and English.

`t(key, language, **values)` looks a string up and fills in `{placeholders}`. The model's
words and the safety texts come from the core; only the interface lives here.
"""

from __future__ import annotations

LANGUAGES = ("en", "zh")

STRINGS: dict[str, tuple[str, str]] = {
    # key: (English, Chinese)
    "app.title": ("SoulChat", "SoulChat 心语"),
    # the history's passphrase (screens/unlock.py, screens/protect.py)
    "unlock.title": ("Your history is locked", "你的对话记录已加密"),
    "unlock.body": (
        "It is encrypted with a passphrase. Type it to open your conversations.",
        "对话记录用口令加密了。输入口令即可打开你的对话。",
    ),
    "unlock.placeholder": ("Passphrase", "口令"),
    "unlock.wrong": (
        "That passphrase does not open the history. Try again.",
        "这个口令打不开对话记录，请再试一次。",
    ),
    "unlock.empty": ("Type the passphrase, then Enter.", "请输入口令，然后按 Enter。"),
    "unlock.hint": ("Enter opens it · Esc quits", "Enter 打开 · Esc 退出"),
    "protect.title": ("Protect your history with a passphrase?", "要用口令保护你的对话记录吗？"),
    "protect.body": (
        "Your conversations are kept on this computer. With a passphrase they are encrypted: "
        "nobody who gets the file can read them, and the app asks for it each time it opens. "
        "There is no way to recover a forgotten passphrase. Exports stay plain text.",
        "你的对话只保存在这台电脑上。设置口令后，对话记录会被加密：拿到文件的人也无法读取，"
        "每次打开应用时都需要输入口令。忘记口令将无法找回。导出的文件仍是明文。",
    ),
    "protect.first": ("Passphrase", "口令"),
    "protect.second": ("The same passphrase again", "再输入一次口令"),
    "protect.hint": (
        "Not now: you can still do it later with `soulchat history encrypt`.",
        "暂不设置：以后也可以用 `soulchat history encrypt` 设置。",
    ),
    "protect.protect": ("Protect", "加密"),
    "protect.skip": ("Not now", "暂不"),
    "protect.continue": ("Continue without", "不加密，继续"),
    "protect.empty": ("Type a passphrase twice, or choose Not now.", "请输入两次口令，或选择“暂不”。"),
    "protect.differ": (
        "The two passphrases differ. Type them again.",
        "两次输入的口令不一致，请重新输入。",
    ),
    "input.placeholder": (
        "Message · Enter sends · Shift+Enter, Ctrl+J or \\ then Enter: new line",
        "输入消息 · Enter 发送 · Shift+Enter、Ctrl+J 或 \\ 加 Enter：换行",
    ),
    "input.editing": (
        "Editing your last message: Enter resends it, Esc cancels",
        "正在修改上一条消息：Enter 重新发送，Esc 取消",
    ),
    "role.user": ("You", "你"),
    "role.assistant": ("Companion", "陪伴者"),
    "message.stopped": ("stopped", "已停止"),
    "message.writing": ("writing… (Esc stops)", "正在回复…（Esc 停止）"),
    "message.error": ("failed", "出错"),
    "sessions.title": ("Sessions", "会话"),
    "sessions.untitled": ("New session", "新会话"),
    "sessions.empty": ("No sessions yet", "还没有会话"),
    "sessions.earlier": ("▲ {n} earlier messages: show more", "▲ 还有 {n} 条更早的消息：显示更多"),
    "status.loading": ("loading {model}…", "正在加载 {model}…"),
    "status.no_model": ("no model", "没有模型"),
    "status.ready": ("ready", "就绪"),
    "status.tps": ("{tps:.1f} tok/s", "{tps:.1f} 词元/秒"),
    "status.context": ("context {used}/{n_ctx} ({pct:.0f}%)", "上下文 {used}/{n_ctx}（{pct:.0f}%）"),
    "status.dropped": ("{n} old messages left out", "{n} 条较早的消息未放入上下文"),
    "note.dropped": (
        "The {n} oldest messages no longer fit the model's context window ({n_ctx} tokens) "
        "and were left out of what it sees. They stay in your history.",
        "最早的 {n} 条消息已超出模型的上下文窗口（{n_ctx} 个词元），模型这次看不到它们；"
        "它们仍保存在你的历史记录里。",
    ),
    "notice.queued": (
        "The model is still loading; your message will be sent when it is ready.",
        "模型仍在加载，加载完成后会自动发送你的消息。",
    ),
    "notice.busy": ("A reply is still being written (Esc stops it).", "还在回复中（按 Esc 停止）。"),
    "notice.copied": (
        "Copied {n} characters. If nothing arrives, your terminal does not allow programs "
        "to set the clipboard (OSC 52): select the text with the mouse instead "
        "(hold Shift in most terminals).",
        "已复制 {n} 个字符。如果剪贴板里没有内容，说明你的终端不允许程序写入剪贴板（OSC 52），"
        "请改用鼠标选中文字复制（多数终端需按住 Shift）。",
    ),
    "notice.nothing_to_copy": ("There is no message to copy yet.", "还没有可以复制的消息。"),
    "notice.nothing_to_regenerate": ("There is no reply to regenerate yet.", "还没有可以重新生成的回复。"),
    "notice.nothing_to_edit": ("There is no message of yours to edit yet.", "还没有可以修改的消息。"),
    "notice.exported": ("Exported to {path}", "已导出到 {path}"),
    "notice.renamed": ("Renamed to “{title}”", "已重命名为“{title}”"),
    "notice.deleted": ("Session deleted", "会话已删除"),
    "notice.no_session": ("This session has no messages yet.", "这个会话还没有消息。"),
    "notice.settings_saved": ("Settings saved for this session", "已保存本会话的设置"),
    "notice.model_loaded": ("Model {model} is ready ({backend})", "模型 {model} 已就绪（{backend}）"),
    "notice.error": ("Something went wrong: {error}", "出错了：{error}"),
    "notice.too_long": (
        "This message is {kib} KiB; a message can be at most {limit} KiB. Send it in parts.",
        "这条消息有 {kib} KiB，一条消息最多 {limit} KiB，请分几次发送。",
    ),
    "notice.not_text": (
        "This message contains binary data, not text, so it was not sent.",
        "这条消息里有二进制数据，不是文字，所以没有发送。",
    ),
    "notice.dismiss": ("Ctrl+G or a click hides this", "按 Ctrl+G 或点击可关闭"),
    "notice.fold": ("Ctrl+G, a click or your first message folds this", "按 Ctrl+G、点击或发出第一条消息后收起"),
    # bindings (footer and command palette)
    "bind.send": ("Send", "发送"),
    "bind.newline": ("New line", "换行"),
    "bind.stop": ("Stop", "停止"),
    "bind.new": ("New", "新会话"),
    "bind.regenerate": ("Regenerate", "重新生成"),
    "bind.edit": ("Edit last", "修改上一条"),
    "bind.copy": ("Copy reply", "复制回复"),
    "bind.search": ("Search", "搜索"),
    "bind.export": ("Export", "导出"),
    "bind.rename": ("Rename", "重命名"),
    "bind.delete": ("Delete", "删除"),
    "bind.model": ("Model", "模型"),
    "bind.settings": ("Settings", "设置"),
    "bind.sidebar": ("Sidebar", "侧栏"),
    "bind.theme": ("Light/dark", "明/暗"),
    "bind.dismiss": ("Dismiss banner", "关闭提示"),
    "bind.crisis": ("Crisis lines", "求助热线"),
    "bind.quit": ("Quit", "退出"),
    "bind.earlier": ("Earlier messages", "更早的消息"),
    "bind.thinking": ("Thinking", "思考过程"),
    "help.earlier": ("Show earlier messages of this session", "显示本会话更早的消息"),
    "help.new": ("Start a new session", "开始一个新会话"),
    "help.regenerate": ("Write the last reply again", "重新生成上一条回复"),
    "help.edit": ("Edit and resend your last message", "修改并重新发送你的上一条消息"),
    "help.copy": ("Copy the selected message, else the last reply", "复制选中的消息，否则复制最后一条回复"),
    "help.search": ("Search every session", "在所有会话中搜索"),
    "help.export": ("Save this session as Markdown or JSON", "把本会话保存为 Markdown 或 JSON"),
    "help.rename": ("Rename this session", "重命名本会话"),
    "help.delete": ("Delete this session", "删除本会话"),
    "help.model": ("Choose the model", "选择模型"),
    "help.settings": (
        "System prompt, sampling, language",
        "系统提示词、采样参数、界面语言",
    ),
    "help.sidebar": ("Show or hide the session list", "显示或隐藏会话列表"),
    "help.theme": ("Switch between the light and the dark theme", "在明亮和暗色主题之间切换"),
    "help.dismiss": ("Hide the notice or crisis banner", "关闭提示或危机求助横幅"),
    "help.crisis": (
        "Show or hide the crisis lines for your region", "显示或隐藏你所在地区的求助热线"
    ),
    "help.stop": ("Stop the reply being written", "停止正在生成的回复"),
    "help.thinking": (
        "Show or hide a reasoning model's thinking before its replies",
        "显示或收起推理模型在回复前的思考过程",
    ),
    "thinking.folded": (
        "▸ Thinking ({n} characters) · F5 shows it",
        "▸ 思考过程（{n} 字）· 按 F5 展开",
    ),
    "thinking.writing": (
        "▸ Thinking… ({n} characters) · F5 shows it",
        "▸ 正在思考…（{n} 字）· 按 F5 展开",
    ),
    "thinking.open": ("▾ Thinking · F5 hides it", "▾ 思考过程 · 按 F5 收起"),
    # modals
    "button.ok": ("OK", "确定"),
    "button.cancel": ("Cancel", "取消"),
    "button.save": ("Save", "保存"),
    "button.delete": ("Delete", "删除"),
    "button.replace": ("Replace", "替换"),
    "confirm.overwrite": (
        "{path} already exists. Replace it with this export?",
        "{path} 已存在。要用这次导出替换它吗？",
    ),
    "confirm.delete": (
        "Delete the session “{title}” and all its messages? This cannot be undone.",
        "删除会话“{title}”及其全部消息？删除后无法恢复。",
    ),
    "rename.title": ("Rename session", "重命名会话"),
    "search.title": ("Search all sessions", "搜索全部会话"),
    "search.placeholder": ("Words to find (Enter searches)", "要查找的文字（Enter 搜索）"),
    "search.none": ("Nothing found", "没有找到"),
    "search.count": ("{n} found: pick one to open it", "找到 {n} 条：选择一条打开"),
    "export.title": ("Export this session", "导出本会话"),
    "export.format": ("Format", "格式"),
    "export.path": ("File (folder or full path)", "文件（文件夹或完整路径）"),
    "export.hint": (
        "Exports go to {dir} unless you give another path.",
        "默认导出到 {dir}，也可以填写其他路径。",
    ),
    "model.title": ("Choose a model", "选择模型"),
    "model.none": (
        "No model is installed. Get one with `soulchat pull NAME` (see `soulchat models`).",
        "还没有安装模型。用 `soulchat pull 名称` 获取（见 `soulchat models`）。",
    ),
    "model.current": ("(in use)", "（使用中）"),
    "settings.title": ("Settings", "设置"),
    "settings.system": ("System prompt for this session", "本会话的系统提示词"),
    "settings.system_hint": (
        "`counsellor` = the built-in counselling persona, `none` = no system prompt, "
        "anything else is used as written.",
        "`counsellor` = 内置的心理陪伴角色，`none` = 不用系统提示词，其他内容按原样使用。",
    ),
    "settings.temperature": ("Temperature (0–5)", "温度（0–5）"),
    "settings.top_p": ("Top-p (0–1]", "Top-p（0–1]"),
    "settings.max_tokens": ("Max tokens per reply", "每条回复的最大词元数"),
    "settings.language": ("Interface language", "界面语言"),
    "settings.invalid": ("{field} is not valid: {value!r}", "{field} 的值无效：{value!r}"),
    "nomodel.title": ("No model yet", "还没有模型"),
    "nomodel.body": (
        "soulchat needs a model to talk with, and none is installed:",
        "soulchat 需要一个模型才能对话，但目前没有安装任何模型：",
    ),
    "nomodel.steps": (
        "Quit (Ctrl+Q), run one of the commands above, then start `soulchat` again.",
        "按 Ctrl+Q 退出，运行上面的任一命令，然后重新启动 `soulchat`。",
    ),
    "loaderror.title": ("The model could not be loaded", "模型无法加载"),
}


def t(key: str, language: str, **values: object) -> str:
    english, chinese = STRINGS[key]
    text = chinese if language == "zh" else english
    return text.format(**values) if values else text
