"""Statistics on small aggregated results: intervals (Wilson, exact Poisson), rate ratios,
funnel and control limits, Erlang C, survival, logistic models, twilight times. Pure functions of
numbers and frames, each checked against an independent oracle (scipy, statsmodels, a closed
form). May import: ``reference``, ``calendar``, ``errors`` and numerical libraries; nothing that
knows about the lake, a page or a command.
"""
