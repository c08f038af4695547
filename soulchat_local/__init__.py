"""soulchat-local: a private, offline counselling companion on llama.cpp.

Importing this package is cheap on purpose: llama_cpp, textual and huggingface_hub are
imported only by the modules that need them, when they are used.
"""

__version__ = "0.1.0"
