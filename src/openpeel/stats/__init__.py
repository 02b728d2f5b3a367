"""openpeel.stats"""
