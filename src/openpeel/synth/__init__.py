"""openpeel.synth"""
