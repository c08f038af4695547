"""Fine-tuning on multi-turn counselling dialogues, the SoulChat method (extra `train`).

    soulchat finetune DATA --base SRC --out DIR [--lora | --full] [--export q4_k_m]
    accelerate launch [--config_file CFG] -m soulchat_local.finetune DATA --base SRC --out DIR

Modules: samples (dialogues -> masked token samples), schedule (which samples each step and
process trains), model (base, tokenizer, LoRA), train (the loop, checkpoints, resume),
export (converter -> GGUF -> registry), run (the command), cli (its arguments),
configs/ (example accelerate configs). Nothing heavy is imported here.
"""
