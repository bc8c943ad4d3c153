"""Protocol client for the NemoVideo HTTP API (async, httpx; no Jupyter imports).

Modules: ``client`` (endpoints), ``errors`` (exceptions by meaning), ``envelopes`` (response
bodies), ``sse`` (stream frames -> typed events), ``chat`` (a chat turn), ``auth`` (client id and
token cache), ``skills`` (attribution profiles), ``intents`` (routing and GUI-talk translation),
``render`` (render submit / poll).
"""
