"""The clinical core: geometry, grid, dosing and safety. Pure: stdlib, numpy and shapely only."""
