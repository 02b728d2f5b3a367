"""openpeel.indicators"""
