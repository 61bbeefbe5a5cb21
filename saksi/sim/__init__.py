"""The synthetic election, simulated devices and the demo."""
