"""The cleaning steps, each a module with one public function `Article -> Article`."""
