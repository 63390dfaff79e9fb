"""The pure domain: events, commands, states, and the deciders that apply the policy.

No I/O and no clock live here: ``decide`` turns (state, command, context) into events or a
refusal, and ``evolve`` turns (state, event) into the next state.
"""
