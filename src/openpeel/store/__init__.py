"""openpeel.store"""
