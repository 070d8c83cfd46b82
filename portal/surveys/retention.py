"""Raw answers are deleted after the retention period the admin sets; released aggregates stay."""
