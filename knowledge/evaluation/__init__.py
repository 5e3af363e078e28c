"""Retrieval evaluation: datasets in the shared format, the retrievers under test, the metrics.

Everything here builds throwaway indexes (temp folders) and never touches the bot's own index.
`knowledge.evaluation.runner.evaluate_retrieval` is the entry point used by `startupbot eval`.
"""
