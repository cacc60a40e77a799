"""Runners: the local one (process pool) executes the stages over a store."""
