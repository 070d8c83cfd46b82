"""The whole assessment as PDF, xlsx and CSV for a committee report."""
