"""What several features share and that knows no feature: time, forms, security headers."""
