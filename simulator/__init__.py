"""A stand-in for Amazon's Selling Partner API and Login with Amazon.

The simulator serves, over plain HTTP on one port, the consent page and
token endpoint of Login with Amazon, the Sellers, Feeds and Reports APIs,
presigned document URLs, and a JSON control API for tests. It is written
from Amazon's published models and schemas and knows nothing of the rest
of Shelfmark; see README.md.
"""
