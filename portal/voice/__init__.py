"""Young people's and parents' views: /my-views/."""
