"""Getting models onto the machine: `soulchat pull` (Hugging Face hub, ModelScope checkpoints).

Nothing here imports huggingface_hub at module level; the network code imports it inside
functions so `import soulchat_local` and `soulchat --help` stay light.

Modules, one job each:
    spec.py       parse `NAME[:QUANT]`, `hf.co/OWNER/REPO[:QUANT]`, `hf.co/OWNER/REPO/FILE.gguf`
    quants.py     quant tags in file names, split GGUF groups, choosing a quant
    space.py      free disk space and memory (the seam tests replace)
    remote.py     the hub: endpoint, token, offline mode, file listing with LFS sha256
    download.py   resumable ranged download with sha256 check and atomic rename
    modelscope.py file listing for checkpoints published on ModelScope
    pull.py       the whole pull: resolve, check space, download, verify, register
"""
