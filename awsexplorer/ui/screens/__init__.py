"""Full-screen views pushed over the main tree."""
