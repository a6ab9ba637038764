"""The municipality's areas: SSP local-board districts and the areas within them."""
