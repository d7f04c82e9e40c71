"""Recommenders following the scikit-learn estimator contract, and the filters they share."""
