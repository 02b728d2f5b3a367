"""openpeel.sources"""
