"""What every REST resource shares, with no domain: pagination, fields, filters, the exception
handler, throttling and the base serializers. The account-data base (visibility, who writes) is
`accounts.api.base`; the router and the URLs are `kam.api.urls`.
"""
