"""The tools that measure the product, kept apart from its flow: question sets, scoring, the support judge,
the textbook baseline, the runner and its report (`chatbot eval`)."""

__all__ = ["baseline", "items", "judge", "report", "runner", "scoring", "stats", "suite"]
