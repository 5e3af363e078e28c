"""Connectors to the public programme APIs (K-Startup on data.go.kr, 기업마당 bizinfo).

Each connector pages through its API with `http.ApiClient` (retry with backoff on 429/5xx and
timeouts, a clear error for a rejected key) and turns items into `Programme`s, reporting every
page or item it could not use without stopping (`FetchResult.problems`).
"""
