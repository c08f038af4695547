"""`soulchat eval`: automatic metrics (metrics.py) over generated counsellor turns (run.py)."""
