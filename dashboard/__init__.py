"""The Streamlit app and the folium map it shows."""
