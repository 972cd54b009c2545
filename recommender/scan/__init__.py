"""Reading an existing project for `flask-pick audit`: what it declares and imports."""
