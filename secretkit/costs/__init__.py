"""The cost model: AWS list prices, monthly cost per component, and the advisor."""
